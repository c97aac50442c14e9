import --map sheets/small.json sheets/small.csv
