/*
 * fuzz_testspec.c: the policy test file of `policyc test`
 * (lib/cli/test_spec.c), read and bound to a small fixed policy. Every
 * case's inline facts are cut out of the file as the runner cuts them
 * (both ways, test_excerpt) and loaded; a case's expectations must name
 * verdicts the format knows and rules the policy has.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/testing.h"
#include "fuzz.h"
#include "policy_rules.h"

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;
static pol_policy *pol;

static void init(void) {
  fuzz_rules_setup(&env, &facts, &ctx, &pol);
  /* what the seeds' "policy" and "facts_file" name, beside the input */
  fuzz_write_file("fuzz.pol", (const uint8_t *)fuzz_rules,
                  strlen(fuzz_rules));
  fuzz_write_file("vendor.json", (const uint8_t *)fuzz_vendor,
                  strlen(fuzz_vendor));
}

/* The inline facts of [c], cut out both ways and loaded. */
static void case_facts(const test_file *t, const test_case *c) {
  size_t len;
  unsigned line = 0;
  char *text = test_excerpt(t, c->facts, &len, NULL);
  if (!text)
    fuzz_fail("%s: no excerpt", c->label);
  (void)pol_facts_load_json(facts, text, len, t->path);
  free(text);
  text = test_excerpt(t, c->facts, &len, &line);
  if (!text || line < 1)
    fuzz_fail("%s: no excerpt with a line", c->label);
  (void)pol_facts_load_record(facts, text, len, t->path, line);
  free(text);
}

static void cases(test_file *t) {
  bool bound = test_bind_rules(t, pol);
  for (size_t i = 0; i < t->ncases; i++) {
    const test_case *c = &t->cases[i];
    if (!c->label || !c->name)
      fuzz_fail("case %zu has no name", i);
    for (size_t e = 0; e < c->nexpect; e++)
      if (bound && c->expect[e].index >= pol_policy_rule_count(pol))
        fuzz_fail("%s: rule %s bound to %zu", c->label, c->expect[e].rule,
                  c->expect[e].index);
    if (c->facts)
      case_facts(t, c);
  }
}

static void run(const uint8_t *data, size_t len) {
  const char *path = fuzz_write_file("fuzz_test.json", data, len);
  imp_pool *p = imp_pool_new();
  if (!p)
    fuzz_fail("out of memory");
  test_file t;
  if (test_read(p, path, &t))
    cases(&t);
  imp_pool_free(p);
}

const fuzz_target fuzz_testspec = {"testspec", init, run};
