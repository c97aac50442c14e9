check --plugin plugin_check.pol plugin_check.pol vendor-a.json
