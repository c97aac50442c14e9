import --map sheets/bad-rule.json sheets/small.csv
