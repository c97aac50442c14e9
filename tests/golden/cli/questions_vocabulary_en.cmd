check --questions --lang en ../../../examples/policies/minimal-vocab.pol ../../../examples/vendors/synergy-crm.json ../../../examples/vendors/crise-cloudbot.json
