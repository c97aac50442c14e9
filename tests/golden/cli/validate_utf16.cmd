validate vendor-utf16.json
