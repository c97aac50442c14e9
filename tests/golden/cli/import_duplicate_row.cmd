import --map sheets/small.json sheets/duplicate.csv
