diff ../../reports/diff_old.pol ../../reports/diff_old.pol ../../reports/tricky.json ../../../examples/vendors/synergy-crm.json
