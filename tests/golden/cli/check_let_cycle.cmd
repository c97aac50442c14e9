check --excerpt=never let_cycle.pol vendor-a.json
