compile --list list_labels.pol -o /dev/null
