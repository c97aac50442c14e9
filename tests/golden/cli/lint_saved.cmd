lint /tmp/policyc-golden-compliant.polc
