lint --verbose ../../../examples/policies/procurement.pol
