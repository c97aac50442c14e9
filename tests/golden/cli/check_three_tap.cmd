check --format=tap --waivers three_waivers.json three.pol three.ndjson
