test --threshold 90 ../../policy/meti_test.json
