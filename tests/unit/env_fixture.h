/*
 * env_fixture.h: the cmocka fixture of the unit tests that need only an
 * environment and a context (test_explain, test_lint, test_format):
 * pass env_setup or env_setup_source, and env_teardown, to
 * cmocka_unit_test_setup_teardown; the test's state is an env_fixture.
 */
#ifndef POL_TEST_ENV_FIXTURE_H
#define POL_TEST_ENV_FIXTURE_H

#include "pol.h"

typedef struct env_fixture {
  pol_env *env;
  pol_ctx *ctx;
} env_fixture;

/* A default environment and a context. */
int env_setup(void **state);
/* The same with POL_KEEP_SOURCE: policies keep their text (explain and
 * lint need it). */
int env_setup_source(void **state);
int env_teardown(void **state);

#endif
