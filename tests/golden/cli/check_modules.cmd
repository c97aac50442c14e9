check --color=never -I modules uses_module.pol vendor-b.json
