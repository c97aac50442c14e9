validate validate-control.json
