check --max-steps 10M ../../../examples/policies/minimal.pol minimal-facts.json
