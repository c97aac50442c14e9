compile --excerpt=never selfimport/vendor_schema.pol -o /dev/null
