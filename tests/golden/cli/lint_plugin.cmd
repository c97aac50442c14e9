lint --plugin $BUILD/tests/sample_plugin.so plugin_rules.pol
