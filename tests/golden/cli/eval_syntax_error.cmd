eval --excerpt=always -- 'size("日本") + * 2'
