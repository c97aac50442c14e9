bench verdicts.pol
