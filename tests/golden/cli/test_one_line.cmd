test one_line_test.json
