check nosuch.pol vendor-a.json
