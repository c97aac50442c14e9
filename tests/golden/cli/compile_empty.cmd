compile empty.pol -o $BUILD/golden-empty.polc
