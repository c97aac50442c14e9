import --map sheets/bad-syntax.json sheets/small.csv
