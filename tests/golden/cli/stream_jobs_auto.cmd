check --format=ndjson --jobs 0 compliant.pol stream-bad-middle.ndjson vendors.ndjson stream-unclosed.ndjson
