check --format=xml compliant.pol vendor-a.json
