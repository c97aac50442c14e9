check --color=never unknowns.pol vendor-u.json
