validate --schema=own_schema.pol vendor-a.json vendor-b.json
