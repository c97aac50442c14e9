lint $BUILD/golden-compliant.polc
