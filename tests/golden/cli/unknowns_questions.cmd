check --questions unknowns.pol vendor-u.json vendor-a.json
