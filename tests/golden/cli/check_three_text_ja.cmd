check --lang=ja --waivers three_waivers.json three.pol three.ndjson
