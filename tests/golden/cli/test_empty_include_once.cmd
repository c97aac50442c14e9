test -I '' ../../policy/regions_test.json ../../policy/regions_test.json
