import --map sheets/small.json -
