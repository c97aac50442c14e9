check --format=html --matrix=vendors --lang=ja --waivers three_waivers.json three.pol three.ndjson
