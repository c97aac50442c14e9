lint --allow no-question -I org_modules lint_hides_stdlib.pol
