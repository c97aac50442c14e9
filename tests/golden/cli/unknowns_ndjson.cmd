check --format=ndjson unknowns.pol vendor-u.json vendor-a.json
