compile schema_saved.pol -o $BUILD/golden-schema.polc
