eval --excerpt=always --color=always -- 'len("a") + ＞'
