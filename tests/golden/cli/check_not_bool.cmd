check --color=never not_bool.pol vendor-a.json
