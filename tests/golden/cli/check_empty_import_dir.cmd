check -I '' orglib/same_name.pol orglib/vendor.json
