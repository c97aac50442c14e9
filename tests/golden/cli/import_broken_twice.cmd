check --excerpt=never orglib/broken_twice.pol orglib/vendor.json
