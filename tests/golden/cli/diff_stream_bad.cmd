diff --format=json ../../reports/diff_old.pol ../../reports/diff_new.pol stream-bad-middle.ndjson vendors.ndjson
