check compliant.pol -- vendor-b.json --format=ndjson
