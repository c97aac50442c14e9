validate vocab-seed-gaps-bad.json
