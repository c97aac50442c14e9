check --color=never --unknown=warn minimal.pol vendor-a.json
