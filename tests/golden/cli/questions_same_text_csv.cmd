check --format questions-csv --lang ja questions_same_text.pol questions_same_text.json
