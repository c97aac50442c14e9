check --color=never labels.pol labels.json
