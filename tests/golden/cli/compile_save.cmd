compile compliant.pol -o $BUILD/golden-compliant.polc
