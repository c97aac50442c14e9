lint --excerpt=never syntax_errors.pol
