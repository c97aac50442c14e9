check --explain /tmp/policyc-golden-compliant.polc vendor-a.json
