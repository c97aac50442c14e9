test -v --plugin $BUILD/tests/sample_plugin.so plugin_mock_test.json plugin_test.json
