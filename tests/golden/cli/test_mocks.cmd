test -v mock_test.json
