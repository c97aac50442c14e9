check --assume backup.generations=1/0 unknowns.pol vendor-u.json
