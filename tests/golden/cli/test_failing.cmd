test failing_test.json
