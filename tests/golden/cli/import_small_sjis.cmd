import --map sheets/small.json sheets/small-sjis.csv
