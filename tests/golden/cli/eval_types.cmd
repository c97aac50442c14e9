eval -- '[1, 1u, 1.0, "s", b"\\x00", null, {"k": true}, int, duration("90m"), timestamp("2009-02-13T23:31:30Z")]'
