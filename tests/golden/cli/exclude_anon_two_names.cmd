check --color=never orglib/anon_two_names.pol orglib/vendor.json
