check --max-record 0 compliant.pol vendors.ndjson
