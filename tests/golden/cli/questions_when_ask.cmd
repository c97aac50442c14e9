check --lang=ja --questions questions_when_ask.pol questions_when_ask.json
