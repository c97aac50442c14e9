check --format=json ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
