check --lang=ja --format=markdown --waivers three_waivers.json three.pol three.ndjson
