test no_policy_test.json
