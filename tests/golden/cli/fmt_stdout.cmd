fmt fmt_messy.pol
