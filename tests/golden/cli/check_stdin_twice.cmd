check compliant.pol - -
