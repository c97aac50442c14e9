check --color=never --format ndjson compliant.pol stream-escapes.ndjson
