lint no_such.pol
