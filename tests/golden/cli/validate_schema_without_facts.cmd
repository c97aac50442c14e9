validate --schema=compliant.pol vendor-a.json
