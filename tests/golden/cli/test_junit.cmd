test --format=junit failing_test.json
