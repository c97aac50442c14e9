check --color=never $BUILD/golden-labels.polc labels.json
