check --excerpt=never duplicates.pol vendor-a.json
