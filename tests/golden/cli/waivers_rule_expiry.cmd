check --waivers waivers_rule_expiry.json ../../reports/tricky.pol ../../reports/tricky.json
