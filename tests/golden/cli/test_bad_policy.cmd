test bad_policy_test.json
