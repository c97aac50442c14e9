eval --bind x=41 --bind 'a.b=[1u]' -- 'x + 1 == 42 && a.b[0] == 1u'
