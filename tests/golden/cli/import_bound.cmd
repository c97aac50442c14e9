import --map sheets/small.json sheets/bound.csv
