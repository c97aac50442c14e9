validate --plugin $BUILD/tests/sample_plugin.so --schema=plugin_schema.pol vendor-a.json
