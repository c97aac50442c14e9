check ../../reports/tricky.pol ../../reports/tricky.json
