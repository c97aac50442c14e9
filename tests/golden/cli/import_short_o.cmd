import --map sheets/small.json sheets/small.csv -o/dev/stdout
