eval --max-steps lots -- 'true'
