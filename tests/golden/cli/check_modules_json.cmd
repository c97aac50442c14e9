check --format=json -I modules uses_module.pol vendor-b.json
