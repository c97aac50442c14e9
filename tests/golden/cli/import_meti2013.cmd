import --map ../../../stdlib/sheets/meti2013.json $BUILD/sheets/cybozu-meti2013.tsv
