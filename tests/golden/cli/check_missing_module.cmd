check --excerpt=always missing_module.pol vendor-a.json
