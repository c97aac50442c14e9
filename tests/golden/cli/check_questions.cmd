check --questions verdicts.pol vendor-a.json vendor-b.json
