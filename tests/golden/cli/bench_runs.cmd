bench --rounds 1 --time 1 verdicts.pol vendor-a.json vendor-b.json
