check --explain explain.pol ../../../examples/vendors/crise-cloudbot.json ../../../examples/vendors/rakus-chatdealer.json
