check --jobs 257 compliant.pol vendors.ndjson
