check --color=never -I orglib/org/ orglib/slash.pol orglib/vendor.json
