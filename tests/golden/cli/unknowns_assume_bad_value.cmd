check --assume backup.generations=7x unknowns.pol vendor-u.json
