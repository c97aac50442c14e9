check --color=never libs/bad_override.pol vendor-b.json
