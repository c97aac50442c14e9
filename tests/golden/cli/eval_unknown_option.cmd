eval --frobnicate -- 1
