check --color=never orglib/same_name.pol orglib/vendor.json
