eval --max-steps 1K -- 1
