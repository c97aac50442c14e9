import --map sheets/small.json sheets/excel-quirks.csv
