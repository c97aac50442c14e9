compile --list --excerpt=never --color=always schema_errors.pol
