import --map sheets/small.json sheets/bad-utf16.txt
