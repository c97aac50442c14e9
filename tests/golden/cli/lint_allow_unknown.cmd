lint lint_allow_unknown.pol
