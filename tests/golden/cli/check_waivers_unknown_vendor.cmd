check --waivers waivers_nobody.json ../../reports/tricky.pol ../../reports/tricky.json
