test twice_named_test.json
