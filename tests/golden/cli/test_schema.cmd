test schema_test.json
