check --excerpt=never title_not_string.pol vendor-a.json
