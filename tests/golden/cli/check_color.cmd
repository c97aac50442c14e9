check --color=always compliant.pol vendor-b.json
