check --excerpt=always message_error.pol vendor-a.json
