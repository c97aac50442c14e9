/*
 * fuzz_explain.c: what a policy says about a vendor beyond its verdicts,
 * given both: messages (their {expr} templates), residuals and decisive
 * facts of UNKNOWN rules, questions, and the explanations of
 * `check --explain` in both languages and both formats. The input is a
 * policy and a vendor's JSON, split at the first line "%%" (no such
 * line: the policy alone, against the fixed vendor of common.c). The
 * explainer's verdict of each rule must be the report's, on the same
 * date.
 */
#include <string.h>

#include "fuzz.h"

#define MAX_RULES 64 /* rules explained */
#define AS_OF "2026-06-30"

static pol_env *env;
static pol_facts *fixed, *given;
static pol_ctx *ctx;

static void init(void) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.max_steps = FUZZ_MAX_STEPS;
  cfg.max_memory = FUZZ_MAX_MEMORY;
  cfg.flags = POL_KEEP_SOURCE | POL_NO_FILE_IMPORTS | POL_NO_JIT;
  if (pol_env_new(&cfg, &env) != POL_OK || pol_facts_new(env, &fixed) ||
      pol_facts_new(env, &given) || pol_ctx_new(env, &ctx) != POL_OK)
    fuzz_fail("cannot set up");
  if (pol_facts_load_json(fixed, fuzz_vendor, strlen(fuzz_vendor),
                          "fuzz.json") != POL_OK)
    fuzz_fail("the fixed vendor does not load");
}

/* Every residual, decisive fact and detail of rule [r]. */
static void read_rule(const pol_report *rep, size_t r) {
  (void)pol_report_message(rep, 0, r);
  (void)pol_report_reason(rep, 0, r);
  (void)pol_report_residual(rep, 0, r);
  (void)pol_report_residual_when(rep, 0, r);
  (void)pol_report_residual_then(rep, 0, r);
  for (size_t k = 0; k < pol_report_decisive_count(rep, 0, r); k++)
    if (!pol_report_decisive_path(rep, 0, r, k))
      fuzz_fail("rule %zu: decisive fact %zu has no path", r, k);
}

static void explain(const pol_policy *pol, const pol_facts *facts,
                    const pol_report *rep, bool checked) {
  pol_explain *x;
  if (pol_explain_new(pol, &x) != POL_OK)
    fuzz_fail("no explainer for a policy with its source");
  if (pol_explain_set_as_of(x, AS_OF) != POL_OK)
    fuzz_fail("the date is refused");
  size_t n = pol_policy_rule_count(pol);
  for (size_t r = 0; r < n && r < MAX_RULES; r++)
    for (int l = 0; l < 2; l++) {
      if (pol_explain_rule(x, facts, r, l ? "en" : "ja") != POL_OK)
        continue;
      const char *v = pol_explain_verdict(x);
      const char *want = pol_report_verdict(rep, 0, r);
      if (checked && (!v || !want || strcmp(v, want) != 0))
        fuzz_fail("rule %s: explained %s, checked %s",
                  pol_policy_rule_id(pol, r), v ? v : "(null)",
                  want ? want : "(null)");
      (void)pol_explain_sentence(x);
      (void)pol_explain_render(x, POL_FORMAT_TEXT);
      (void)pol_explain_render(x, POL_FORMAT_JSON);
      for (size_t k = 0; k < pol_explain_node_count(x); k++) {
        pol_explain_node nd = POL_EXPLAIN_NODE_INIT;
        if (pol_explain_get(x, k, &nd) != POL_OK || !nd.text)
          fuzz_fail("rule %zu: node %zu unreadable", r, k);
      }
    }
  pol_explain_free(x);
}

static void check(const pol_policy *pol, const pol_facts *facts) {
  pol_report *rep;
  if (pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) != POL_OK ||
      pol_report_set_as_of(rep, AS_OF) != POL_OK)
    fuzz_fail("pol_report_new failed");
  bool checked = pol_check(ctx, rep, facts, "fuzz.json") == POL_OK;
  if (checked) {
    for (int f = 0; pol_format_name(f); f++)
      (void)pol_report_render(rep, f, f & 1 ? POL_RENDER_COLOR : 0);
    for (size_t r = 0; r < pol_policy_rule_count(pol); r++)
      read_rule(rep, r);
  }
  explain(pol, facts, rep, checked);
  pol_report_free(rep);
}

/* Where the line "%%" starts in [s], or NULL. */
static const char *split(const char *s, size_t n) {
  for (size_t i = 0; i + 2 <= n; i++)
    if ((i == 0 || s[i - 1] == '\n') && s[i] == '%' && s[i + 1] == '%' &&
        (i + 2 == n || s[i + 2] == '\n'))
      return s + i;
  return NULL;
}

static void run(const uint8_t *data, size_t len) {
  const char *s = (const char *)data, *cut = split(s, len);
  size_t plen = cut ? (size_t)(cut - s) : len;
  const pol_facts *facts = fixed;
  if (cut) {
    const char *j = cut + 2;
    if (pol_facts_load_json(given, j, len - (size_t)(j - s), "fuzz.json") !=
        POL_OK)
      return;
    facts = given;
  }
  pol_policy *pol;
  if (pol_policy_compile(env, s, plen, "fuzz.pol", &pol) != POL_OK)
    return;
  check(pol, facts);
  pol_policy_free(pol);
}

const fuzz_target fuzz_explain = {"explain", init, run};
