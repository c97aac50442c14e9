validate validate-stream-ok.ndjson minimal-facts.json
