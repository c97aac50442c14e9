validate stream-bad-middle.ndjson
