check --format=json --assume backup.generations=9 unknowns.pol vendor-u-assumed.json
