import --map sheets/small.json sheets/nonexistent.csv
