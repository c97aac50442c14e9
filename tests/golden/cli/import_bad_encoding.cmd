import --map sheets/small.json sheets/garbage.csv
