check --excerpt=never orglib/uses_selfover.pol orglib/vendor.json
