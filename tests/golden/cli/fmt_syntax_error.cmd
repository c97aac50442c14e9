fmt --excerpt=always syntax_errors.pol fmt_clean.pol
