check --excerpt=never nul_import.pol vendor-a.json
