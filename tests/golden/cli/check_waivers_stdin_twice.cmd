check --waivers - ../../../examples/policies/minimal.pol -
