check --questions --lang en derived_residual.pol derived_residual_withheld.json
