check --assume backup.generations unknowns.pol vendor-u.json
