import --map sheets/small.json sheets/unterminated.csv
