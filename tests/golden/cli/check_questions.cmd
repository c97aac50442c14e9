check --lang=ja --questions verdicts.pol vendor-a.json vendor-b.json
