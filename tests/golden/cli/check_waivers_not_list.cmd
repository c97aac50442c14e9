check --waivers waivers_not_list.json compliant.pol vendor-b.json
