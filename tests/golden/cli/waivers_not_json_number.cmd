check --waivers waivers_not_json_number.json ../../reports/tricky.pol ../../reports/tricky.json
