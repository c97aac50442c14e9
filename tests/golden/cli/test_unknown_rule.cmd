test unknown_rule_test.json
