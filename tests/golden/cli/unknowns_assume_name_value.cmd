check --assume 'data.countries=[JP]' unknowns.pol vendor-u.json
