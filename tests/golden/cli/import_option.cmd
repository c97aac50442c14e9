import --map sheets/small.json sheets/option.csv
