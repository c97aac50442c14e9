validate validate-vendor-meta.ndjson
