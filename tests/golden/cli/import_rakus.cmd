import --map ../../../stdlib/sheets/rakus-security.json $BUILD/sheets/rakus-security.tsv --map ../../../stdlib/sheets/meti-sla.json $BUILD/sheets/rakus-sla.tsv
