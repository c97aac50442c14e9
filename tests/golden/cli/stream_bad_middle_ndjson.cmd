check --format=ndjson compliant.pol stream-bad-middle.ndjson
