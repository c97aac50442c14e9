check --excerpt=always --color=never cr_line_ends.pol vendor-a.json
