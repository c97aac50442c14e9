eval --color=sometimes -- '1'
