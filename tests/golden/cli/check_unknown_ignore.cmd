check --format=json --unknown=ignore minimal.pol vendor-silent.json
