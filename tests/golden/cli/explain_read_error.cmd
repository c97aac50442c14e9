check --explain compliant.pol /proc/self/mem vendors.ndjson
