test no_cases_test.json
