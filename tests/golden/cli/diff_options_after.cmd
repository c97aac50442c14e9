diff minimal.pol minimal.pol minimal-facts.json --format json
