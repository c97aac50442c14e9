/*
 * harness.h: what every cmocka unit test includes. Each test_<stage>.c
 * is its own binary with its own main(); a name filter can be given as
 * the first argument (cmocka_set_test_filter), e.g. build/tests/test_json
 * 'number*'.
 */
#ifndef POL_TEST_HARNESS_H
#define POL_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* Fail with the handles' messages unless [rc] is POL_OK; [f] is a
 * fixture with `env` and `ctx` members (pol.h must be included). */
#define assert_pol_ok(f, rc)                                               \
  do {                                                                     \
    int rc_ = (rc);                                                        \
    if (rc_ != POL_OK)                                                     \
      fail_msg("status %d: %s / %s", rc_, pol_env_errmsg((f)->env),        \
               pol_ctx_errmsg((f)->ctx));                                  \
  } while (0)

/* Run [tests] with an optional name filter from argv[1]. */
#define RUN_TESTS(name, tests, argc, argv)                                   \
  (((argc) > 1 ? cmocka_set_test_filter((argv)[1]) : (void)0),              \
   cmocka_run_group_tests_name(name, tests, NULL, NULL))

#endif
