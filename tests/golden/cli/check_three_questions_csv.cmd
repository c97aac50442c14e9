check --format=questions-csv --waivers three_waivers.json three.pol three.ndjson
