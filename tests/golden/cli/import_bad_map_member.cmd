import --map sheets/bad-member.json sheets/small.csv
