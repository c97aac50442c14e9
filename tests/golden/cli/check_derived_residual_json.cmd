check --color=never --as-of 2026-01-15 --format=json derived_residual.pol derived_residual_withheld.json derived_residual_stated.json
