diff ../../reports/diff_old.pol ../../reports/diff_new.pol vendors.ndjson ../../reports/tricky.json
