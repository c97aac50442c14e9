check --explain --format=json minimal.pol no-such-vendor.json empty-vendor.json bad.json vendor-a.json
