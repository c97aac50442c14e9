check --format=tap --jobs 3 compliant.pol /proc/self/mem vendors.ndjson
