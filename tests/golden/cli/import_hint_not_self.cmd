check --excerpt=never hintself/checks.pol orglib/vendor.json
