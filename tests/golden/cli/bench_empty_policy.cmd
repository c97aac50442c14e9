bench empty.pol vendor-a.json
