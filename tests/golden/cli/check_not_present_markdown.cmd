check --format markdown --lang ja ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
