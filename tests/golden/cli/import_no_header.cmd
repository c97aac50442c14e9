import --map sheets/small.json sheets/no-header.tsv
