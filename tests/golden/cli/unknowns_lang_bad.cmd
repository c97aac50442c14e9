check --questions --lang=fr unknowns.pol vendor-u.json
