test no_facts_test.json
