check --color=never $BUILD/golden-compliant.polc vendor-a.json vendor-b.json
