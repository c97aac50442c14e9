check --color=never libs/bad_exclude.pol vendor-b.json
