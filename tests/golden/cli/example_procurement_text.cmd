check --color=never ../../../examples/policies/procurement.pol ../../../examples/vendors/crise-cloudbot.json
