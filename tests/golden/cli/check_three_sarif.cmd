check --format=sarif --waivers three_waivers.json three.pol three.ndjson
