check --format questions-json --lang en questions_same_text.pol questions_same_text.json
