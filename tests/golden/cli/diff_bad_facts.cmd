diff ../../reports/diff_old.pol ../../reports/diff_new.pol ../../reports/tricky.json diff_bad.json
