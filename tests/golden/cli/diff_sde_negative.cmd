diff ../../../examples/policies/minimal.pol ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
