check --matrix=vendors --waivers three_waivers.json three.pol three.ndjson
