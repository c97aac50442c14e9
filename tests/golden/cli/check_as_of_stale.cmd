check --as-of 2027-06-01 ../../reports/tricky.pol ../../reports/tricky.json
