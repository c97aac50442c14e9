check --format=json compliant.pol stream-bad-middle.ndjson
