check --questions --lang en questions_derived.pol questions_derived.json
