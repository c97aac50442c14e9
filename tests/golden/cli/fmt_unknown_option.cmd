fmt --wide fmt_clean.pol
