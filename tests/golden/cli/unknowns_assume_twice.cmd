check --color=never --assume backup.generations=3 --assume subcontracting.used=false --assume backup.generations=9 unknowns.pol vendor-u.json
