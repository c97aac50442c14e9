test --plugin $BUILD/tests/sample_plugin.so plugin_test.json
