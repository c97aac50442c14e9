eval --bind 'x =1' -- 'x + 1'
