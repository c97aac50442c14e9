/*
 * policy_rules.h: the small policy that the waivers and test-file
 * targets read their inputs against (its rule names are in their
 * seeds and dictionaries), for tests/fuzz/fuzz_waivers.c and
 * fuzz_testspec.c.
 */
#ifndef POL_FUZZ_POLICY_RULES_H
#define POL_FUZZ_POLICY_RULES_H

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

#endif
