compile labels_twice.pol -o /dev/null
