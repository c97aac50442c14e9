test empty_policy_test.json
