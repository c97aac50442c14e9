eval --facts nosuch.json -- 'true'
