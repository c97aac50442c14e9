fmt no_such.pol fmt_clean.pol
