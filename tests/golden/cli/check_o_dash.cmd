check -o - compliant.pol vendor-b.json --format=ndjson
