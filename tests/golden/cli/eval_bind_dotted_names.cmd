eval --bind 'a.if=1' --bind 'b.c_2=2' -- 'a.if + b.c_2'
