/* env_fixture.c: see env_fixture.h. */
#include "env_fixture.h"

#include <stdlib.h>

#include "harness.h"

static int setup_with(void **state, unsigned flags) {
  env_fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags |= flags;
  assert_int_equal(pol_env_new(&cfg, &f->env), POL_OK);
  assert_int_equal(pol_ctx_new(f->env, &f->ctx), POL_OK);
  *state = f;
  return 0;
}

int env_setup(void **state) { return setup_with(state, 0); }

int env_setup_source(void **state) {
  return setup_with(state, POL_KEEP_SOURCE);
}

int env_teardown(void **state) {
  env_fixture *f = *state;
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}
