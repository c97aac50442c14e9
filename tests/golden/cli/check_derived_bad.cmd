check --color=never --excerpt=never derived_bad.pol derived-facts.json
