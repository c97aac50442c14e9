check --questions --lang ja questions_derived.pol questions_derived.json
