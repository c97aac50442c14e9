validate bad-types.json
