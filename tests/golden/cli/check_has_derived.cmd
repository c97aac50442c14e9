check --color=never --excerpt=never has_derived.pol has_derived.json
