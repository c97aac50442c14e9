check --excerpt=never -I modules module_header.pol vendor-a.json
