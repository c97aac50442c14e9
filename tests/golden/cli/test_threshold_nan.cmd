test --threshold=nan ../../policy/regions_test.json
