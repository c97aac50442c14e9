check --format=csv ../../reports/tricky.pol ../../reports/tricky.json
