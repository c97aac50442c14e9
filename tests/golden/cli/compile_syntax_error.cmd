compile --excerpt=never syntax_errors.pol -o $BUILD/golden-syntax.polc
