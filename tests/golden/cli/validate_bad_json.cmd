validate bad.json
