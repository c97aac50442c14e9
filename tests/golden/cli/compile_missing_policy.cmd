compile nosuch.pol -o /tmp/policyc-golden-nosuch.polc
