check --lang=ja ../../../examples/policies/procurement.pol ../../../examples/vendors/crise-cloudbot.json
