check --format=ndjson ../../../examples/policies/procurement.pol ../../../examples/vendors/crise-cloudbot.json ../../../examples/vendors/cybozu-china.json
