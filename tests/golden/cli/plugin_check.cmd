check --color=never --plugin $BUILD/tests/sample_plugin.so plugin_check.pol vendor-a.json vendor-b.json
