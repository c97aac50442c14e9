compile labels_bad_value.pol -o /dev/null
