validate validate-long-key.json
