check --format=junit --waivers three_waivers.json three.pol three.ndjson
