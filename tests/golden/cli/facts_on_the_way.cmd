check --format json --as-of 2026-01-15 facts_on_the_way.pol facts_on_the_way.json
