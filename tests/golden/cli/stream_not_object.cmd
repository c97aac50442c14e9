check --format=ndjson compliant.pol stream-not-object.ndjson
