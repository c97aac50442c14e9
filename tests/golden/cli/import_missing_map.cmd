import --map sheets/nonexistent.json sheets/small.csv
