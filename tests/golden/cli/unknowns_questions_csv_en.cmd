check --format questions-csv --lang en unknowns.pol vendor-u.json
