eval --bind 'x=1 +' -- 'x'
