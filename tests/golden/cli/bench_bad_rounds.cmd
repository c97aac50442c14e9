bench --rounds 0 verdicts.pol vendor-a.json
