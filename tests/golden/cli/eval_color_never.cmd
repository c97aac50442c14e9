eval --excerpt=always --color=never -- 'len("a")'
