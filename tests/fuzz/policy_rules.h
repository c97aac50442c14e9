/*
 * policy_rules.h: the small policy that the waivers and test-file
 * targets read their inputs against (its rule names are in their
 * seeds and dictionaries), for tests/fuzz/fuzz_waivers.c and
 * fuzz_testspec.c.
 */
#ifndef POL_FUZZ_POLICY_RULES_H
#define POL_FUZZ_POLICY_RULES_H

#include <string.h>

#include "fuzz.h"

static const char fuzz_rules[] =
    "policy \"fuzz\" { title \"ファズ\" version \"1\" }\n"
    "rule backup_generations {\n"
    "  title \"バックアップ\" severity must\n"
    "  require backup.generations >= 7\n"
    "  message \"{backup.generations} 世代\"\n"
    "}\n"
    "should mfa: auth.mfa\n"
    "data.region in [\"JP\"]\n"
    "may audit: audit.external == true\n";

/* fuzz_setup, then the fixed policy compiled into *[pol]: the set-up
 * both targets share; fails the run when the policy does not compile. */
static inline void fuzz_rules_setup(pol_env **env, pol_facts **facts,
                                    pol_ctx **ctx, pol_policy **pol) {
  fuzz_setup(env, facts, ctx);
  if (pol_policy_compile(*env, fuzz_rules, strlen(fuzz_rules), "fuzz.pol",
                         pol) != POL_OK)
    fuzz_fail("the fixed policy does not compile: %s",
              pol_env_errmsg(*env));
}

#endif
