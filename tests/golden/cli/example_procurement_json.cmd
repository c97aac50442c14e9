check --format=json ../../../examples/policies/procurement.pol ../../../examples/vendors/synergy-crm.json
