check --color=never ../../../examples/policies/procurement.pol ../../../examples/vendors/synergy-crm.json
