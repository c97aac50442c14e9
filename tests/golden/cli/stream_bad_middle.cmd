check --color=never compliant.pol stream-bad-middle.ndjson
