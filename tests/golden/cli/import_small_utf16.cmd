import --map sheets/small.json sheets/small-utf16.txt
