import --map sheets/small.json sheets/no-value.csv
