validate validate-malformed.json
