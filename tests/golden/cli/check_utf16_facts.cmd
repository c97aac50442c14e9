check --format=ndjson minimal.pol vendor-utf16.json vendor-a.json
