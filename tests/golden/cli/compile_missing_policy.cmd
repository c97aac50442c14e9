compile nosuch.pol -o $BUILD/golden-nosuch.polc
