eval --facts stream-nul.ndjson -- 1
