check --format=tap compliant.pol /proc/self/mem vendors.ndjson
