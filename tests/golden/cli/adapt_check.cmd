check --color=never libs/adapted.pol vendor-b.json
