compile compliant.pol -o -
