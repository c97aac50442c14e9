check --questions --lang en questions_derived_two.pol derived_residual_withheld.json
