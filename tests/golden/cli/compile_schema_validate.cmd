validate --schema=$BUILD/golden-schema.polc bad-types.json
