eval --facts bad.json -- 'true'
