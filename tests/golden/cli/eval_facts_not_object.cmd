eval --facts array.json -- 'true'
