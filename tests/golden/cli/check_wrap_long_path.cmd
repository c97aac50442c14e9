check --width 60 long_path.pol long_path.json
