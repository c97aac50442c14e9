check --color=never orglib/two_names.pol orglib/vendor.json
