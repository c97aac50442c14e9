compile --list compliant.pol
