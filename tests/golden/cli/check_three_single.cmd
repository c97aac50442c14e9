check --waivers three_waivers.json three.pol three-one.ndjson
