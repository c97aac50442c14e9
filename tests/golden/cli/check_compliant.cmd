check --color=never compliant.pol vendor-a.json vendor-b.json
