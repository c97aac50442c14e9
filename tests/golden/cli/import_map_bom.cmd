import --map sheets/bom-small.json sheets/small.csv
