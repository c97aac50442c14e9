check --format=csv csv_formula.pol csv_formula.json
