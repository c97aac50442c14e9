check --format=ndjson --jobs 3 compliant.pol stream-not-object-indented.ndjson
