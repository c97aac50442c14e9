check compliant.pol bad.json
