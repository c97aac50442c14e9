check --as-of 2026-01-15 --format=csv ../../../examples/policies/minimal.pol ../../../examples/vendors/crise-cloudbot.json
