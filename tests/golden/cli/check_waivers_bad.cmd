check --waivers waivers_bad.json ../../reports/tricky.pol ../../reports/tricky.json
