fmt --check fmt_messy.pol fmt_clean.pol
