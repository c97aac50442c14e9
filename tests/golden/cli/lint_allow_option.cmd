lint --allow L103 --allow=never-fail lint_allow.pol ../../../examples/policies/minimal-vocab.pol
