check --waivers waivers_extra.json compliant.pol vendor-b.json
