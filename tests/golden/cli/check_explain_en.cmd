check --explain --lang=en explain.pol ../../../examples/vendors/crise-cloudbot.json
