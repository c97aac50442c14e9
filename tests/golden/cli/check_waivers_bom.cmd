check --format=csv --waivers bom_waivers.json ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
