check --excerpt=always syntax_errors.pol vendor-a.json
