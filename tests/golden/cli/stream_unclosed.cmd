check --color=never compliant.pol stream-unclosed.ndjson
