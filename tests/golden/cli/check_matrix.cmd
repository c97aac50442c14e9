check --color=never verdicts.pol vendor-a.json vendor-b.json
