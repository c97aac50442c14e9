check --color=never empty.pol vendor-a.json
