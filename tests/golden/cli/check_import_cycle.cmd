check --excerpt=never -I modules import_cycle.pol vendor-a.json
