check --color=never derived.pol derived-facts.json
