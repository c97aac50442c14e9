check --explain --lang=en explain_item.pol ../../../examples/vendors/synergy-crm.json
