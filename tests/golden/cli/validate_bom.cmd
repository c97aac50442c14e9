validate bad-types-bom.json
