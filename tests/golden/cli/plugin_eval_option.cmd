eval --plugin=$BUILD/tests/sample_plugin.so -- 'sample.shout("vendor ok") + "・" + string(sample.count_byte(b"a\x00a\x00", 0)) + " " + string(sample.ratio(1, 4))'
