compile --list -Imodules uses_module.pol -o=/dev/null
