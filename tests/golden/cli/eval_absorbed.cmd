eval -- 'vendor.name == "x" || true'
