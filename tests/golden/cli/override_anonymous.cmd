check --color=never orglib/override_anon.pol orglib/vendor.json
