check --lang=ja --questions unknowns.pol vendor-u.json vendor-a.json
