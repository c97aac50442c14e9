check --color=never skipped.pol skipped-vendor.json
