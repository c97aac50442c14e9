check --format=csv --waivers three_waivers.json three.pol three.ndjson
