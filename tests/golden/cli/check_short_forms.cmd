check --color=never -I=modules -o/dev/stdout uses_module.pol vendor-b.json
