compile --excerpt=never syntax_errors.pol -o /tmp/policyc-golden-syntax.polc
