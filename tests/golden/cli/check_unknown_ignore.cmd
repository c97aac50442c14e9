check --format=json --unknown=ignore minimal.pol vendor-a.json
