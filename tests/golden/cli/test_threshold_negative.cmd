test --threshold=-1 ../../policy/regions_test.json
