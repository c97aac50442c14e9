check --explain explain_whole_path.pol explain_whole_path.json
