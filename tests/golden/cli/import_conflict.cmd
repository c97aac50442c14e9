import --map sheets/small.json sheets/small.csv --map sheets/other.json sheets/other-gens.csv
