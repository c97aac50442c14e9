import --map sheets/small.json sheets/mixed-encoding.csv
