compile labels_bad_key.pol -o /dev/null
