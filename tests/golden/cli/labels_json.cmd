check --format=json labels.pol labels.json
