diff --plugin $BUILD/tests/sample_plugin.so --as-of 2026-01-15 plugin_rules.pol plugin_rules_stricter.pol plugin-vendors.ndjson
