check wrap.pol wrap.json
