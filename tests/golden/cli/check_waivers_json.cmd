check --format json --as-of 2026-01-15 --waivers ../../reports/waivers.json ../../reports/tricky.pol ../../reports/tricky.json
