check --explain --format=json explain.pol ../../../examples/vendors/crise-cloudbot.json
