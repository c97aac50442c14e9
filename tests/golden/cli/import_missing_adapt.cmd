check --excerpt=never orglib/missing.pol orglib/vendor.json
