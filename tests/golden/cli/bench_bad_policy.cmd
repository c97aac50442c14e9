bench --rounds 1 syntax_errors.pol vendor-a.json
