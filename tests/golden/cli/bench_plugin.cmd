bench --plugin $BUILD/tests/sample_plugin.so --rounds 1 --time 1 plugin_rules.pol vendor-a.json
