eval --facts badutf8.json -- 'true'
