check --excerpt=never refs_not_list.pol vendor-a.json
