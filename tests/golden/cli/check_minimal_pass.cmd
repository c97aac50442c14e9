check --color=never minimal.pol minimal-facts.json
