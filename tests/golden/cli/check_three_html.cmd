check --format=html --waivers three_waivers.json three.pol three.ndjson
