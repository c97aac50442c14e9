check --jobs=abc compliant.pol vendor-b.json
