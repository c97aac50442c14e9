compile minimal.pol -o /dev/full
