check --assume '$vendor.name="Evil"' ../../../examples/policies/minimal.pol minimal-facts.json
