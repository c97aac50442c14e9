validate vendor-a.json vendor-b.json
