check compliant.pol
