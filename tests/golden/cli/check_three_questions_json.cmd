check --format=questions-json --waivers three_waivers.json three.pol three.ndjson
