check --format=tap --jobs 3 compliant.pol stream-bom-joined.ndjson
