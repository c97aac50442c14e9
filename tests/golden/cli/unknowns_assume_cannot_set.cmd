check --assume data.countries.x=1 unknowns.pol vendor-u.json vendor-a.json
