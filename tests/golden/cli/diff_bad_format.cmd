diff --format html ../../reports/diff_old.pol ../../reports/diff_new.pol ../../reports/tricky.json
