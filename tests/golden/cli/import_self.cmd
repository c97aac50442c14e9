compile --excerpt=never selfimport/self_import.pol -o /dev/null
