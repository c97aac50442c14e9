eval --facts facts_x.json --facts facts_empty_key.json -- 'x + y + z'
