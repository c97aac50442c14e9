lint --allow L02 lint_allow.pol
