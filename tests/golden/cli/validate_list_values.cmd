validate list-values.json
