check --color=never compliant.pol stream-pretty.json
