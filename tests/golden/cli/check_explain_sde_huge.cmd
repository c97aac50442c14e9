check --explain ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
