lint ../../../examples/policies/ismap-baseline.pol ../../../examples/policies/iso27017-baseline.pol
