/*
 * fuzz_policy.c: the policy front end, from text to verdicts. The input
 * is a policy source; when it compiles, it is checked against the small
 * fixed vendor of common.c (every verdict kind is reachable from its
 * facts), the report is rendered in every format, the vendor is
 * validated against it and it is disassembled. Last it is saved and
 * loaded again: a policy the compiler made must load, and give the same
 * verdicts as the compiled one.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_RULES 256 /* rules whose verdicts are compared */

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;

static void init(void) { fuzz_setup(&env, &facts, &ctx); }

static void reload(const pol_policy *pol, const int *want) {
  void *buf;
  size_t len;
  if (pol_policy_save(pol, &buf, &len) != POL_OK)
    return; /* out of memory is the only reason */
  pol_policy *back;
  if (pol_policy_load(env, buf, len, "fuzz.polc", &back) != POL_OK)
    fuzz_fail("a saved policy does not load: %s", pol_env_errmsg(env));
  free(buf);
  int got[MAX_RULES];
  size_t n = fuzz_check(ctx, back, facts, got, MAX_RULES);
  for (size_t r = 0; r < n && r < MAX_RULES; r++)
    if (want[r] != got[r])
      fuzz_fail("rule %s: verdict %d compiled, %d loaded",
                pol_policy_rule_id(pol, r), want[r], got[r]);
  pol_policy_free(back);
}

static void run(const uint8_t *data, size_t len) {
  pol_policy *pol;
  if (pol_policy_compile(env, (const char *)data, len, "fuzz.pol", &pol) !=
      POL_OK) {
    (void)pol_diag_render(env, POL_RENDER_EXCERPT);
    return;
  }
  (void)pol_policy_disasm(env, pol);
  int verdicts[MAX_RULES];
  fuzz_check(ctx, pol, facts, verdicts, MAX_RULES);
  size_t count;
  const char *problems;
  (void)pol_validate(env, pol, fuzz_vendor, strlen(fuzz_vendor),
                     "fuzz.json", &count, &problems);
  reload(pol, verdicts);
  pol_policy_free(pol);
}

const fuzz_target fuzz_policy = {"policy", init, run};
