lint --plugin ./no-such-plugin.so ../../../examples/policies/minimal.pol ../../../examples/policies/minimal.pol
