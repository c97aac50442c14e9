check --format=json --assume backup.generations=9 --assume subcontracting.used=false unknowns.pol vendor-u.json
