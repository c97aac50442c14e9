import --map sheets/small.json sheets/small-fullwidth.csv
