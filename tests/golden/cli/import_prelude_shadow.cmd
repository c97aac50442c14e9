check --color=never --unknown=ignore -I orglib/shadow/ orglib/prelude.pol orglib/vendor.json
