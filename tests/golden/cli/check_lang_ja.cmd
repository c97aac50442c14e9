check --format=markdown --lang=ja --as-of 2026-01-15 ../../reports/tricky.pol ../../reports/tricky.json vendor-a.json
