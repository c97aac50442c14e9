check --color=never compliant.pol vendors.ndjson
