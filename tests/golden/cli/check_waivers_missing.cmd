check --waivers no-such-file.json ../../reports/tricky.pol ../../reports/tricky.json
