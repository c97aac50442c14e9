import --map sheets/small.json sheets/unknown-unit.csv
