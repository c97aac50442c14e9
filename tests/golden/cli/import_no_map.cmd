import sheets/small.csv
