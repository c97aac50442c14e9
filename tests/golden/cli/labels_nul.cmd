compile labels_nul.pol -o /dev/null
