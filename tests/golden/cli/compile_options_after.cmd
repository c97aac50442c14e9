compile compliant.pol --list -I modules
