check --format=tap tap_hash.pol tap_hash.ndjson
