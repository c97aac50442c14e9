check --format=markdown md_tilde.pol md_tilde.json
