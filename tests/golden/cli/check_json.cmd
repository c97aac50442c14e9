check --format=json verdicts.pol vendor-a.json
