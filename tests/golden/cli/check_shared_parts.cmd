check --color=never shared_parts.pol minimal-facts.json
