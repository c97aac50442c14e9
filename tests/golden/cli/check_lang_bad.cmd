check --lang=fr ../../reports/tricky.pol ../../reports/tricky.json
