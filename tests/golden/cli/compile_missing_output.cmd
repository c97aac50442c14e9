compile minimal.pol
