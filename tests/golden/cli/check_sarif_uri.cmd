check --format=sarif 'sarif uri#規則.pol' vendor-a.json
