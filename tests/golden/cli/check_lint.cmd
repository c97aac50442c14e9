check --color=never --lint lint_typo.pol ../../../examples/vendors/synergy-crm.json ../../../examples/vendors/rakus-chatdealer.json
