check --as-of 2025-12-01 --waivers ../../reports/waivers.json ../../reports/tricky.pol ../../reports/tricky.json
