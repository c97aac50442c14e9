check --explain $BUILD/golden-compliant.polc vendor-a.json
