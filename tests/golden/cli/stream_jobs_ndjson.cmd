check --format=ndjson --jobs 3 compliant.pol stream-bad-middle.ndjson vendors.ndjson stream-unclosed.ndjson
