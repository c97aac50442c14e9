compile compliant.pol -o -x
