check --excerpt=never bad_module_name.pol vendor-a.json
