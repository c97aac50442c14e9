check --questions --lang ja orglib/override_ask.pol orglib/vendor.json
