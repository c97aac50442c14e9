check --lint ../../../examples/policies/minimal.pol ../../../examples/vendors/synergy-crm.json ../../../examples/vendors/rakus-chatdealer.json
