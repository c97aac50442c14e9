test malformed_test.json
