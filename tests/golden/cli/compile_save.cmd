compile compliant.pol -o /tmp/policyc-golden-compliant.polc
