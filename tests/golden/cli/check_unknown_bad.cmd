check compliant.pol vendor-b.json --unknown=maybe
