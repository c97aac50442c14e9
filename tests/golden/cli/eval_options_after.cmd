eval 'x * 2' --bind x=21
