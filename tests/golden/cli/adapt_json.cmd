check --color=never --format=json libs/adapted.pol vendor-b.json
