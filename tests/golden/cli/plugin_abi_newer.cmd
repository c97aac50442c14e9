eval --plugin $BUILD/tests/abi_future_plugin.so -- 1
