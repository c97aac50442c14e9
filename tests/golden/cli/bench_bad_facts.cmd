bench --rounds 1 --time 1 verdicts.pol bad.json
