check --color=never verdicts.pol vendor-a.json
