lint --excerpt=always --color=never cr_stray.pol
