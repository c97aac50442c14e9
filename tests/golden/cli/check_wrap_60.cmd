check --width 60 wrap.pol wrap.json
