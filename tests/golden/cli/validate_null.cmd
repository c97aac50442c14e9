validate validate-null.json
