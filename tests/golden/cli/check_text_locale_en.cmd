check --lang=en ../../reports/tricky.pol ../../reports/tricky.json
