import --map sheets/bad-path.json sheets/small.csv
