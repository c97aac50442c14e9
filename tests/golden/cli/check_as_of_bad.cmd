check --as-of 2026-02-30 ../../reports/tricky.pol ../../reports/tricky.json
