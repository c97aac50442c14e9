check --lang=ja --width 60 wrap.pol wrap.json
