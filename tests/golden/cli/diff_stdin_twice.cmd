diff ../../../examples/policies/minimal.pol - -
