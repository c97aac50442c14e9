diff ../../reports/diff_old.pol diff_broken.pol ../../reports/tricky.json
