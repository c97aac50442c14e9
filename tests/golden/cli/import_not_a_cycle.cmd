check --color=never orglib/not_a_cycle.pol orglib/vendor.json
