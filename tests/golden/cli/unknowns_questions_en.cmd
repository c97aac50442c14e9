check --questions --lang=en unknowns.pol vendor-u.json
