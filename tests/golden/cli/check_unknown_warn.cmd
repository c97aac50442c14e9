check --color=never --unknown=warn minimal.pol vendor-silent.json
