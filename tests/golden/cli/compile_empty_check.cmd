check $BUILD/golden-empty.polc vendor-a.json
