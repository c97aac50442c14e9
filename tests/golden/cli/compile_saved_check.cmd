check --color=never /tmp/policyc-golden-compliant.polc vendor-a.json vendor-b.json
