import --map sheets/small.json sheets/huge-count.csv
