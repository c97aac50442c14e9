compile --excerpt=always fullwidth_spaces.pol -o /dev/null
