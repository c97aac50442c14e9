test bad.json
