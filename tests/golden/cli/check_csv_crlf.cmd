check --format=csv csv_formula.pol csv_crlf.json
