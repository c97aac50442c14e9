fmt --check fmt_clean.pol
