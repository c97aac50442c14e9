check --format=json unknowns.pol vendor-u.json
