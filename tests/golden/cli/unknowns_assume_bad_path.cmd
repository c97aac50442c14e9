check --assume backup.generations[?0]=1 unknowns.pol vendor-u.json
