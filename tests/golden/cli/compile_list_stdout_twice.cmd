compile --list -o - ../../../examples/policies/minimal.pol
