check --excerpt=never let_doubling.pol vendor-a.json
