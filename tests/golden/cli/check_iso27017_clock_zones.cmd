check --format=csv ../../../examples/policies/iso27017-baseline.pol iso27017-clock.json
