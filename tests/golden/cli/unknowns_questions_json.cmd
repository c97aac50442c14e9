check --lang=ja --format=questions-json unknowns.pol vendor-u.json vendor-b.json
