/*
 * test_trace_runs.c: a rule's facts do not depend on how report.c came
 * by its trace records. The records of a run that another run of the
 * rule follows (`when`, then `require`) are copied out of the VM, with
 * the computed keys of presence tests copied out of its arena; the
 * records of a rule's only run are read where the VM left them
 * (lib/report.c, collect_reads). So `rule { when A  require B }` and
 * `A && B`, with A true, must report the same facts, in the same order,
 * named the same, with the same missing facts and the same count left
 * over the cap: the first through the copies, the second in place.
 * Then a run of reads alone skips the walk that looks for the other
 * records (vm.trace_kinds): the missing facts, deciding items and
 * absent keys the pairs note must still be reported.
 */
#include "harness.h"

#include <stdlib.h>

#include "env_fixture.h"
#include "handles.h"
#include "report.h"

static const char FACTS[] =
    "{\"company\": {\"name\": \"株式会社テスト\", \"country\": \"JP\"},"
    " \"backup\": {\"enabled\": true, \"generations\": 9},"
    " \"checksheet\": {\"items\": {\"1.1\": {\"answer\": \"○\"},"
    " \"1.2\": {\"answer\": \"×\", \"note\": \"備考\"},"
    " \"a b\": {\"answer\": \"－\"}}},"
    " \"subprocessors\": [{\"j\": \"JP\", \"c\": [\"JP\"]},"
    " {\"j\": \"US\", \"c\": [\"US\", \"JP\"]}, {\"j\": \"JP\"}],"
    " \"big\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],"
    " \"$evidence\": {\"backup\": \"b\"}}";

/* Pairs (A, B), A true over FACTS: reads, repeats of A's reads in B,
 * containers on the way, presence tests with a computed key (made in
 * the VM's arena, which B's run reuses: B makes strings of its own),
 * missing facts, deciding items, size() and more reads than the cap. */
static const char *const PAIRS[][2] = {
    {"backup.enabled", "backup.generations >= 7"},
    {"backup.enabled", "backup.enabled && backup.generations > 1"},
    {"!((company.name + \"-x\") in checksheet.items)",
     "(company.country + \"-yyyyyyyyyyyyyyyy\") != \"z\" && "
     "backup.generations > 1"},
    {"!has(checksheet.items.zz)",
     "(company.name + \"-zzzzzzzzzzzzzzzzzzzz\").size() > 0"},
    {"size(subprocessors) > 0",
     "subprocessors.all(s, s.j in [\"JP\", \"US\"])"},
    {"subprocessors.exists(s, s.j == \"US\")",
     "subprocessors.all(s, s.c.exists(c, c == \"JP\"))"},
    {"checksheet.items[\"1.1\"].answer == \"○\"",
     "checksheet.items[\"1.2\"].note == \"x\" || "
     "checksheet.items[\"a b\"].answer == \"－\""},
    {"backup.enabled", "availability.sla_percent >= 99.9"},
    {"company.country == \"JP\"", "incident.notice.hours <= 72 && "
                                  "company.country == \"JP\""},
    {"size(big) > 2", "big.all(x, x > 0)"},
    {"big.exists(x, x == 3)", "big.filter(x, x > 1).size() > 3"},
};
enum { NPAIRS = sizeof PAIRS / sizeof PAIRS[0] };

static char *policy_text(void) {
  size_t cap = 256 * NPAIRS;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t n = 0;
  for (int i = 0; i < NPAIRS; i++) {
    n += (size_t)snprintf(s + n, cap - n,
                          "rule w%d {\n  when %s\n  require %s\n}\n", i,
                          PAIRS[i][0], PAIRS[i][1]);
    n += (size_t)snprintf(s + n, cap - n, "must a%d \"a\": (%s) && (%s)\n",
                          i, PAIRS[i][0], PAIRS[i][1]);
    assert_true(n < cap);
  }
  return s;
}

/* The facts [a] and [b] are the same fact, named the same. */
static void same_fact(report *r, const vendor_result *vr, fact_ref *a,
                      fact_ref *b) {
  assert_int_equal(a->kind, b->kind);
  assert_ptr_equal(a->obj, b->obj);
  assert_int_equal(a->okind, b->okind);
  assert_int_equal(a->entry, b->entry);
  assert_int_equal(a->decided, b->decided);
  assert_int_equal(a->nsuffix, b->nsuffix);
  assert_true(report_resolve(r, vr, a));
  assert_true(report_resolve(r, vr, b));
  assert_string_equal(a->path, b->path);
}

/* Rules w[i] and a[i] of vendor 0 report the same facts; counts what
 * they hold into [seen] (missing, decided, absent). */
static void compare_pair(report *r, uint32_t i, int seen[3]) {
  const vendor_result *vr = &r->vendors[0];
  uint32_t w = 2 * i, a = 2 * i + 1;
  assert_int_equal(vr->rules[w].v, vr->rules[a].v);
  assert_int_equal(vr->rules[w].more, vr->rules[a].more);
  for (int missing = 0; missing < 2; missing++) {
    uint32_t nw, na;
    fact_ref *fw = report_refs(r, vr, w, missing, &nw);
    fact_ref *fa = report_refs(r, vr, a, missing, &na);
    assert_int_equal(nw, na);
    for (uint32_t k = 0; k < nw; k++) {
      same_fact(r, vr, &fw[k], &fa[k]);
      seen[0] += fw[k].kind == FR_MISSING;
      seen[1] += fw[k].decided;
      seen[2] += fw[k].kind == FR_ABSENT;
    }
  }
}

static void when_then_require_as_and(void **state) {
  env_fixture *fx = *state;
  pol_policy *pol = NULL;
  pol_facts *facts = NULL;
  pol_report *rep = NULL;
  char *src = policy_text();
  assert_pol_ok(fx, pol_policy_compile(fx->env, src, strlen(src), "t.pol",
                                       &pol));
  assert_pol_ok(fx, pol_facts_new(fx->env, &facts));
  assert_int_equal(pol_facts_load_json(facts, FACTS, strlen(FACTS), "v.json"),
                   POL_OK);
  assert_pol_ok(fx, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  for (int round = 0; round < 2; round++) { /* warm: the scratch reused */
    pol_report_reset(rep);
    assert_pol_ok(fx, pol_check(fx->ctx, rep, facts, "v.json"));
    int seen[3] = {0, 0, 0};
    for (uint32_t i = 0; i < NPAIRS; i++)
      compare_pair(&rep->r, i, seen);
    assert_true(seen[0] >= 2); /* missing facts, */
    assert_true(seen[1] >= 2); /* deciding items, */
    assert_true(seen[2] >= 2); /* absent keys: the pairs test them */
    assert_true(rep->r.vendors[0].rules[2 * 9].more > 0); /* over the cap */
  }
  pol_report_free(rep);
  pol_facts_free(facts);
  pol_policy_free(pol);
  free(src);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(when_then_require_as_and, env_setup,
                                      env_teardown),
  };
  return RUN_TESTS("trace_runs", tests, argc, argv);
}
