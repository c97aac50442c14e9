compile minimal.pol -o /nonexistent-policyc-dir/minimal.polc
