check --questions --lang ja ../../../examples/policies/minimal-vocab.pol ../../../examples/vendors/synergy-crm.json ../../../examples/vendors/crise-cloudbot.json
