lint --plugin $BUILD/tests/sample_plugin.so lint_namespace.pol
