check --color=never compliant.pol stream-nul.ndjson
