test -v ../../policy/regions_test.json
