fmt -w --check fmt_clean.pol
