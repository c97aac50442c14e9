check --lang=ja --format=questions --waivers three_waivers.json three.pol three.ndjson
