check --excerpt=never two_headers.pol vendor-a.json
