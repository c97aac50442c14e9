eval --list -- 'x.y + 1 > 2 && [1, 2].exists(i, i == x.y)'
