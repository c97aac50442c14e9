check --format=json skipped.pol skipped-vendor.json
