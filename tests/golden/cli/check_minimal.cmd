check --color=never minimal.pol vendor-a.json
