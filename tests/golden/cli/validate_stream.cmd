validate validate-stream.ndjson
