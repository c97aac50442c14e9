check --color=never compliant.pol stream-two-on-line.ndjson
