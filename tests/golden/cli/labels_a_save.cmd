compile labels.pol -o $BUILD/golden-labels.polc
