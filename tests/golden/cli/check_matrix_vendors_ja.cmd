check --lang=ja --matrix=vendors --waivers ../../reports/waivers.json ../../reports/tricky.pol ../../reports/tricky.json vendor-a.json
