test -v bom_test.json
