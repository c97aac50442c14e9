/*
 * test_trace_cap.c: a rule that reads more facts than a run's trace
 * holds (lib/vm.h, VM_TRACE_READS) is still reported right. A loop over
 * a 70,000-item list reads 70,000 facts; the report shows 8 and counts
 * the rest, but what decides the verdict comes at the end of the list:
 *
 * - the one item that lacks its field makes the rule UNKNOWN: that
 *   missing fact is reported, not "nothing missing";
 * - the one item that fails an all() is shown as the deciding fact;
 * - facts_omitted counts every fact read past the 8 shown.
 *
 * Before, the trace stopped at 65,536 records of any kind: the missing
 * fact and the deciding item of the last items were dropped with the
 * reads, and the count of the others stopped there too.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "env_fixture.h"
#include "pol.h"

enum { N = 70000 };

/* {"ints": [0, 1, ...], "items": [{"v": 0}, ...]}, the last item of
 * "items" being [last]. */
static char *facts_text(const char *last) {
  size_t cap = (size_t)N * 24 + 64;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t n = (size_t)snprintf(s, cap, "{\"ints\": [");
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s%d", i ? ", " : "", i);
  n += (size_t)snprintf(s + n, cap - n, "], \"items\": [");
  for (int i = 0; i < N - 1; i++)
    n += (size_t)snprintf(s + n, cap - n, "{\"v\": %d}, ", i);
  n += (size_t)snprintf(s + n, cap - n, "%s]}", last);
  assert_true(n < cap);
  return s;
}

static const char POLICY[] = "must ints_all: ints.all(x, x >= 0)\n"
                             "must items_all: items.all(i, i.v >= 0)\n";

/* Check POLICY against the facts whose last item is [last]. */
static pol_report *check(env_fixture *fx, pol_policy **pol,
                         pol_facts **facts, const char *last) {
  pol_report *rep = NULL;
  char *text = facts_text(last);
  assert_pol_ok(fx, pol_policy_compile(fx->env, POLICY, strlen(POLICY),
                                       "cap.pol", pol));
  assert_pol_ok(fx, pol_facts_new(fx->env, facts));
  assert_int_equal(pol_facts_load_json(*facts, text, strlen(text), "v.json"),
                   POL_OK);
  free(text);
  assert_pol_ok(fx, pol_report_new(*pol, POL_UNKNOWN_FAIL, &rep));
  assert_pol_ok(fx, pol_check(fx->ctx, rep, *facts, "v.json"));
  return rep;
}

static void done(pol_report *rep, pol_policy *pol, pol_facts *facts) {
  pol_report_free(rep);
  pol_facts_free(facts);
  pol_policy_free(pol);
}

/* Every fact read past the 8 shown is counted: a list of N numbers is
 * N facts. */
static void omitted_counts_every_read(void **state) {
  pol_policy *pol;
  pol_facts *facts;
  pol_report *rep = check(*state, &pol, &facts, "{\"v\": 1}");
  assert_string_equal(pol_report_verdict(rep, 0, 0), "PASS");
  assert_int_equal(pol_report_fact_count(rep, 0, 0), 8);
  assert_int_equal(pol_report_fact_omitted(rep, 0, 0), N - 8);
  /* two reads an item, one of them a fact: within one of N - 8 (the
   * item whose field is the first read left out shows as an item) */
  size_t more = pol_report_fact_omitted(rep, 0, 1);
  assert_true(more >= N - 8 && more <= N - 7);
  done(rep, pol, facts);
}

/* The last item lacks "v": UNKNOWN, with that fact missing. */
static void missing_fact_past_the_cap(void **state) {
  pol_policy *pol;
  pol_facts *facts;
  pol_report *rep = check(*state, &pol, &facts, "{\"w\": 1}");
  char want[64];
  snprintf(want, sizeof want, "items[%d].v", N - 1);
  assert_string_equal(pol_report_verdict(rep, 0, 1), "UNKNOWN");
  assert_int_equal(pol_report_missing_count(rep, 0, 1), 1);
  assert_string_equal(pol_report_missing_path(rep, 0, 1, 0), want);
  done(rep, pol, facts);
}

/* The last item fails: FAIL, and that item is the deciding fact. */
static void deciding_item_past_the_cap(void **state) {
  pol_policy *pol;
  pol_facts *facts;
  pol_report *rep = check(*state, &pol, &facts, "{\"v\": -1}");
  char want[64];
  snprintf(want, sizeof want, "items[%d]", N - 1);
  assert_string_equal(pol_report_verdict(rep, 0, 1), "FAIL");
  size_t n = pol_report_fact_count(rep, 0, 1), decided = 0;
  for (size_t k = 0; k < n; k++)
    if (pol_report_fact_decided(rep, 0, 1, k)) {
      decided++;
      assert_non_null(strstr(pol_report_fact_path(rep, 0, 1, k), want));
    }
  assert_int_equal(decided, 1);
  done(rep, pol, facts);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(omitted_counts_every_read, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(missing_fact_past_the_cap, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(deciding_item_past_the_cap, env_setup,
                                      env_teardown),
  };
  return RUN_TESTS("trace_cap", tests, argc, argv);
}
