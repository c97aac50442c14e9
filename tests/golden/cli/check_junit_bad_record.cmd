check --format=junit tap_hash.pol tap_hash.ndjson
