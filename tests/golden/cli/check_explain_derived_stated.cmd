check --explain --lang en --color=never --as-of 2026-01-15 derived_residual.pol derived_residual_stated.json
