check compliant.pol array.json
