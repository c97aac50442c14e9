fmt --excerpt=sometimes fmt_clean.pol
