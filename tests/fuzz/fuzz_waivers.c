/*
 * fuzz_waivers.c: the waivers file of `policyc check --waivers`
 * (lib/cli/check_waivers.c), read against a small fixed policy. A file
 * that loads is set on a report of the fixed vendor, which is rendered
 * in every format (waivers' owners, tickets and justifications are the
 * user's text, shown there), and its vendors are matched as check does.
 */
#include <string.h>

#include "cli/check.h"
#include "fuzz.h"
#include "policy_rules.h"

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;
static pol_policy *pol;

static void init(void) {
  fuzz_rules_setup(&env, &facts, &ctx, &pol);
}

static void report(waiver_file *wf) {
  pol_report *rep;
  if (pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) != POL_OK)
    fuzz_fail("pol_report_new failed");
  if (pol_report_set_as_of(rep, "2026-06-30") != POL_OK ||
      pol_report_set_waivers(rep, wf->set) != POL_OK)
    fuzz_fail("the waivers do not go on a report");
  if (pol_check(ctx, rep, facts, "fuzz.json") == POL_OK) {
    for (int f = 0; pol_format_name(f); f++)
      if (!pol_report_render(rep, f, 0))
        fuzz_fail("format %s does not render", pol_format_name(f));
    for (size_t r = 0; r < pol_policy_rule_count(pol); r++)
      (void)pol_report_waiver(rep, 0, r);
  }
  waivers_note(wf, rep);
  (void)waivers_all_seen(wf, "waivers.json");
  pol_report_free(rep);
}

static void run(const uint8_t *data, size_t len) {
  const char *path = fuzz_write_file("waivers.json", data, len);
  waiver_file wf;
  if (waivers_load(path, pol, &wf) == 0) {
    if (pol_waivers_count(wf.set) != wf.n)
      fuzz_fail("%zu waivers read, %zu in the set", wf.n,
                pol_waivers_count(wf.set));
    report(&wf);
  }
  waivers_unload(&wf);
}

const fuzz_target fuzz_waivers = {"waivers", init, run};
