check --questions --lang ja questions_same_text.pol questions_same_text.json
