check --lang=ja --format=questions-csv unknowns.pol vendor-u.json vendor-a.json
