import --map - -
