test --coverage failing_test.json
