check compliant.pol /dev/null
