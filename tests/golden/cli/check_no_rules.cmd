check --format=json no-rules.pol vendor-a.json
