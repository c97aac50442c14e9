check --format=html csv_formula.pol csv_crlf.json
