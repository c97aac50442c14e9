test -v sde_test.json
