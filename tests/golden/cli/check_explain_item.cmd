check --explain explain_item.pol ../../../examples/vendors/synergy-crm.json
