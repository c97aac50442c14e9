check --explain --format=json --waivers explain_waived_w.json explain_waived.pol explain_waived.json
