check --format csv --lang ja verdicts.pol vendor-a.json
