lint lint_allow.pol
