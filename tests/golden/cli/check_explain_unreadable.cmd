check --explain --format=json minimal.pol no-such-vendor.json empty-vendor.json vendor-a.json
