/*
 * common.c: what several fuzz targets share: the small fixed vendor that
 * policies are checked against, the set-up of env, facts and context, and
 * a check that reads every part of the report a user would see.
 */
#include <string.h>

#include "fuzz.h"

/* Nested maps, lists of strings and of maps, numbers of each kind and at
 * their limits, null, evidence and a withheld path. */
const char fuzz_vendor[] =
    "{\"$vendor\": {\"name\": \"Fuzz Co\", \"date\": \"2024-01-31\"},\n"
    " \"$evidence\": {\"backup.generations\": \"p. 3: seven generations\"},\n"
    " \"$withheld\": [\"audit.external\"],\n"
    " \"backup\": {\"offered\": true, \"generations\": 7, \"frequency_hours\":"
    " 24.5, \"location\": {\"countries\": [\"JP\", \"US\"]}},\n"
    " \"data\": {\"region\": \"JP\",\n"
    "  \"location\": {\"countries\": [\"JP\"]}},\n"
    " \"auth\": {\"mfa\": false, \"sso\": null, \"methods\": [\"saml\"]},\n"
    " \"big\": 18446744073709551615, \"neg\": -9223372036854775808,\n"
    " \"subprocessors\": [{\"name\": \"AWS\", \"jurisdiction\": \"US\"},"
    " {\"name\": \"さくら\", \"jurisdiction\": \"JP\"}],\n"
    " \"certifications\": {\"vendor\": [\"ISO27001\", \"ISO27017\"]},\n"
    " \"incident\": {\"security_notice_hours\": 72}}\n";

void fuzz_setup(pol_env **env, pol_facts **facts, pol_ctx **ctx) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.max_steps = FUZZ_MAX_STEPS;
  cfg.max_memory = FUZZ_MAX_MEMORY;
  if (pol_env_new(&cfg, env) != POL_OK || pol_facts_new(*env, facts) ||
      pol_ctx_new(*env, ctx) != POL_OK)
    fuzz_fail("cannot set up");
  if (pol_facts_load_json(*facts, fuzz_vendor, strlen(fuzz_vendor),
                          "fuzz.json") != POL_OK)
    fuzz_fail("the fixed vendor does not load: %s",
              pol_facts_errmsg(*facts));
}

/* Every rule's details, as the text and JSON renderers read them. */
static void read_details(const pol_report *rep, size_t nrules) {
  for (size_t r = 0; r < nrules; r++) {
    (void)pol_report_message(rep, 0, r);
    (void)pol_report_reason(rep, 0, r);
    for (size_t k = 0; k < pol_report_fact_count(rep, 0, r); k++)
      if (!pol_report_fact_path(rep, 0, r, k))
        fuzz_fail("rule %zu: fact %zu has no path", r, k);
    for (size_t k = 0; k < pol_report_missing_count(rep, 0, r); k++)
      if (!pol_report_missing_path(rep, 0, r, k))
        fuzz_fail("rule %zu: missing fact %zu has no path", r, k);
  }
}

size_t fuzz_check(pol_ctx *ctx, const pol_policy *pol,
                  const pol_facts *facts, int *verdicts, size_t max) {
  size_t n = pol_policy_rule_count(pol);
  for (size_t r = 0; r < n && r < max; r++)
    verdicts[r] = -1;
  pol_report *rep;
  if (pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) != POL_OK)
    fuzz_fail("pol_report_new failed");
  if (pol_check(ctx, rep, facts, "fuzz.json") == POL_OK) {
    for (int f = 0; pol_format_name(f); f++)
      if (!pol_report_render(rep, f, f & 1 ? POL_RENDER_COLOR : 0))
        fuzz_fail("format %s does not render", pol_format_name(f));
    read_details(rep, n);
    for (size_t r = 0; r < n && r < max; r++)
      verdicts[r] = pol_report_verdict_code(rep, 0, r);
  }
  pol_report_free(rep);
  return n;
}
