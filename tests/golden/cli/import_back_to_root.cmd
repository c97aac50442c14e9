compile --excerpt=never selfimport/root.pol -o /dev/null
