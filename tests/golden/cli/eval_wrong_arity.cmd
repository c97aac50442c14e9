eval --excerpt=always -- 'size(1, 2)'
