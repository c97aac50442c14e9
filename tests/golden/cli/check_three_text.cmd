check --format=text --waivers three_waivers.json three.pol three.ndjson
