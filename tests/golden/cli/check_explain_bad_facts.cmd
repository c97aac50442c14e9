check --explain explain.pol bad.json
