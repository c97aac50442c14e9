check -o --format=json compliant.pol vendor-b.json
