diff --format=json ../../reports/diff_old.pol ../../reports/diff_new.pol ../../reports/tricky.json no-such-vendor.json
