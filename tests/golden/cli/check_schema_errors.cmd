check --excerpt=always schema_errors.pol vendor-a.json
