test --format=junit --plugin ./no-such-plugin.so ../../policy/regions_test.json
