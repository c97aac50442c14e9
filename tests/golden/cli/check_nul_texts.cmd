check --excerpt=never nul_texts.pol vendor-a.json
