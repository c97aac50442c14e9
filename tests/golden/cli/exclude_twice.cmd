check --color=never orglib/excl_twice.pol orglib/vendor.json
