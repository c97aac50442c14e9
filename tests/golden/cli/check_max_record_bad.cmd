check --max-record=10GB compliant.pol vendors.ndjson
