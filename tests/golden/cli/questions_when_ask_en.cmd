check --lang=en --format=questions-json questions_when_ask.pol questions_when_ask.json
