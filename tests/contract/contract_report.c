/*
 * contract_report.c: the promises of pol.h about compiled policies (the
 * header, rules, refs, ask, imports) and reports (verdicts, counts,
 * rule results, vendor metadata, unknown modes, pol_check_rule,
 * rendering).
 */
#define _POSIX_C_SOURCE 200809L
#include "contract.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* {==== policies: header, rules, refs, ask, find, file ===================== */

static void test_policy_info(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol"), *plain = NULL;
  unsigned line = 0, col = 0;
  char *path = scratch_path("plain.pol");
  test_name = "policy header and rules";
  CHECK_STR(pol_policy_info(pol, POL_POLICY_NAME), "contract");
  CHECK_STR(pol_policy_info(pol, POL_POLICY_TITLE), "契約テスト");
  CHECK_STR(pol_policy_info(pol, POL_POLICY_VERSION), "1.2");
  CHECK_STR(pol_policy_info(pol, POL_POLICY_DESCRIPTION), "d");
  CHECK_STR(pol_policy_info(pol, POL_POLICY_FILE), "c.pol");
  CHECK_STR(pol_policy_info(pol, 99), NULL);
  CHECK(pol_policy_rule_count(pol) == NRULES);
  CHECK_STR(pol_policy_rule_id(pol, R_BACKUP), "backup_generations");
  CHECK_STR(pol_policy_rule_title(pol, R_BACKUP),
            "バックアップを7世代以上保管すること");
  CHECK_STR(pol_policy_rule_title(pol, R_NOTICE), "notice"); /* the id */
  CHECK_STR(pol_policy_rule_severity(pol, R_NOTICE), "should");
  CHECK(pol_policy_rule_level(pol, R_REGION) == POL_MAY);
  CHECK(pol_policy_rule_level(pol, R_MFA) == POL_MUST);
  CHECK((int)pol_policy_rule_level(pol, 999) == -1);
  CHECK_STR(pol_policy_rule_id(pol, NRULES), NULL);
  CHECK_STR(pol_policy_rule_severity(pol, NRULES), NULL);
  CHECK(pol_policy_rule_find(pol, "mfa") == R_MFA);
  CHECK(pol_policy_rule_find(pol, "no_such_rule") == POL_NOT_FOUND);
  CHECK(pol_policy_rule_ref_count(pol, R_BACKUP) == 2);
  CHECK_STR(pol_policy_rule_ref(pol, R_BACKUP, 1), "ISO27017 CLD.12.3.1");
  CHECK_STR(pol_policy_rule_ref(pol, R_BACKUP, 2), NULL);
  CHECK(pol_policy_rule_ref_count(pol, R_NOTICE) == 0);
  CHECK_STR(pol_policy_rule_ask(pol, R_BACKUP),
            "バックアップの保管世代数をご教示ください。");
  CHECK_STR(pol_policy_rule_ask(pol, R_NOTICE), NULL);
  CHECK_STR(pol_policy_rule_file(pol, R_SKIPPED, &line, &col), "c.pol");
  CHECK(line == 13 && col == 1);
  CHECK_STR(pol_policy_rule_file(pol, R_MFA, &line, &col), "c.pol");
  CHECK(line == 17);
  CHECK_STR(pol_policy_rule_file(pol, NRULES, &line, &col), NULL);
  /* no header: the name is the file's base name (without .pol) */
  write_file(path, "backup.generations >= 7\n");
  CHECK_RC(pol_policy_compile_file(env, path, &plain), POL_OK);
  CHECK_STR(pol_policy_info(plain, POL_POLICY_NAME), "plain");
  CHECK_STR(pol_policy_info(plain, POL_POLICY_FILE), path);
  CHECK_STR(pol_policy_info(plain, POL_POLICY_TITLE), NULL);
  CHECK_STR(pol_policy_rule_id(plain, 0), "rule_1");
  CHECK_STR(pol_policy_rule_title(plain, 0), "backup.generations >= 7");
  pol_policy_free(plain);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Modules: from pol_env_add_import_dir, and beside the importing file. */
static void test_imports(void) {
  pol_env *env = env_default();
  pol_policy *pol = NULL;
  char mods[1024], *mod = scratch_path("mods/cmod.pol");
  char *sib = scratch_path("sibling.pol"), *main_file;
  const char *src = "import \"cmod\"\nmust own: limit == 7\n";
  unsigned line, col;
  test_name = "imports";
  snprintf(mods, sizeof mods, "%s/mods", scratch);
  mkdir(mods, 0700);
  write_file(mod, "let limit = 7\nshould from_module: limit > 1\n");
  CHECK_RC(pol_policy_compile(env, src, strlen(src), "m.pol", &pol),
           POL_ESYNTAX);
  CHECK_RC(pol_env_add_import_dir(env, mods), POL_OK);
  CHECK_RC(pol_policy_compile(env, src, strlen(src), "m.pol", &pol),
           POL_OK);
  CHECK(pol_policy_rule_count(pol) == 2);
  CHECK(pol_policy_rule_find(pol, "from_module") != POL_NOT_FOUND);
  CHECK_STR(pol_policy_rule_file(pol, pol_policy_rule_find(pol,
                                 "from_module"), &line, &col), mod);
  pol_policy_free(pol);
  write_file(sib, "let sibling_value = 3\n");
  main_file = scratch_path("main.pol");
  write_file(main_file, "import \"sibling\"\nmust s: sibling_value == 3\n");
  CHECK_RC(pol_policy_compile_file(env, main_file, &pol), POL_OK);
  pol_policy_free(pol);
  /* beside the importing file comes before the import directories */
  write_file(scratch_path("cmod.pol"), "let limit = 8\n");
  main_file = scratch_path("main2.pol");
  write_file(main_file, "import \"cmod\"\nmust own: limit == 8\n");
  CHECK_RC(pol_policy_compile_file(env, main_file, &pol), POL_OK);
  CHECK(pol_policy_rule_count(pol) == 1); /* not mods/cmod.pol's rule */
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

/* {==== reports ============================================================ */

static void check_verdicts(pol_report *rep, size_t i, const int *want,
                           int *all) {
  for (size_t r = 0; r < NRULES; r++)
    if (pol_report_verdict_code(rep, i, r) != want[r] ||
        strcmp(pol_report_verdict(rep, i, r),
               pol_verdict_name((pol_verdict)want[r])) != 0)
      *all = 0;
}

static void test_report_basics(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f[3];
  int all = 1;
  size_t sum = 0;
  test_name = "report verdicts and counts";
  for (int i = 0; i < 3; i++) {
    f[i] = facts_of(env, VENDORS[i], SOURCES[i]);
    CHECK_RC(pol_check(ctx, rep, f[i], SOURCES[i]), POL_OK);
  }
  CHECK(pol_report_vendor_count(rep) == 3);
  for (size_t i = 0; i < 3; i++)
    check_verdicts(rep, i, VERDICTS[i], &all);
  CHECK(all);
  for (int v = POL_PASS; v <= POL_SKIPPED; v++)
    sum += pol_report_count(rep, 1, (pol_verdict)v);
  CHECK(sum == NRULES);
  CHECK(pol_report_count(rep, 0, POL_UNKNOWN) == 2);
  CHECK(pol_report_count(rep, 1, POL_PASS) == 3);
  CHECK(!pol_report_compliant(rep, 0)); /* typebug is ERROR */
  CHECK_STR(pol_report_verdict(rep, 3, 0), NULL);
  CHECK_STR(pol_report_verdict(rep, 0, NRULES), NULL);
  CHECK(pol_report_verdict_code(rep, 3, 0) == -1);
  CHECK(pol_report_count(rep, 3, POL_PASS) == 0);
  for (int i = 0; i < 3; i++)
    pol_facts_free(f[i]);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Rule results: message, reason, facts read, evidence, missing. */
static void test_report_results(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  test_name = "report rule results";
  CHECK_RC(pol_check(ctx, rep, f, "in/a.json"), POL_OK);
  CHECK_STR(pol_report_message(rep, 0, R_BACKUP), "保管世代数は 7 世代");
  CHECK_STR(pol_report_message(rep, 0, R_NOTICE), NULL);
  CHECK_PREFIX(pol_report_reason(rep, 0, R_TYPEBUG), "c.pol:12:15: ");
  CHECK_STR(pol_report_reason(rep, 0, R_BACKUP), NULL);
  CHECK(pol_report_fact_count(rep, 0, R_BACKUP) == 1);
  CHECK_STR(pol_report_fact_path(rep, 0, R_BACKUP, 0), "backup.generations");
  CHECK(pol_value_int(pol_report_fact_value(rep, 0, R_BACKUP, 0)) == 7);
  CHECK_STR(pol_report_fact_evidence(rep, 0, R_BACKUP, 0), "3.2: 「7世代」");
  CHECK_STR(pol_report_fact_evidence_of(rep, 0, R_BACKUP, 0), "backup");
  CHECK(pol_report_fact_count(rep, 0, R_REGION) == 2);
  CHECK_STR(pol_report_fact_path(rep, 0, R_REGION, 1), "data.countries[1]");
  CHECK(!pol_report_fact_decided(rep, 0, R_REGION, 0));
  CHECK(pol_report_fact_decided(rep, 0, R_REGION, 1));
  CHECK(pol_report_fact_omitted(rep, 0, R_REGION) == 0);
  CHECK_STR(pol_report_fact_path(rep, 0, R_REGION, 2), NULL);
  CHECK(pol_report_fact_value(rep, 0, R_REGION, 2) == NULL);
  CHECK(pol_report_missing_count(rep, 0, R_NOTICE) == 1);
  CHECK_STR(pol_report_missing_path(rep, 0, R_NOTICE, 0), "incident.hours");
  CHECK(pol_report_missing_withheld(rep, 0, R_NOTICE, 0));
  CHECK_STR(pol_report_missing_path(rep, 0, R_MFA, 0), "auth.mfa");
  CHECK(!pol_report_missing_withheld(rep, 0, R_MFA, 0));
  CHECK_STR(pol_report_missing_path(rep, 0, R_MFA, 1), NULL);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* More than 16 facts read: the rest are counted, not shown. */
static void test_report_omitted(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, "must all: xs.all(x, x >= 0)\n", "o.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = list_facts(env, 40);
  size_t shown;
  test_name = "report omitted facts";
  CHECK_RC(pol_check(ctx, rep, f, "list.json"), POL_OK);
  shown = pol_report_fact_count(rep, 0, 0);
  CHECK(shown <= 9); /* 8, plus a deciding one */
  CHECK(shown + pol_report_fact_omitted(rep, 0, 0) == 40);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

static void test_vendor_metadata(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f[3];
  test_name = "vendor metadata";
  for (int i = 0; i < 3; i++) {
    f[i] = facts_of(env, VENDORS[i], SOURCES[i]);
    CHECK_RC(pol_check(ctx, rep, f[i], SOURCES[i]), POL_OK);
  }
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_NAME), "ACME株式会社");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_SERVICE), "ACME Cloud");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_DOCUMENT), "WP");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_VERSION), "1.0");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_DATE), "2025-01-01");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_SOURCE), "in/a.json");
  CHECK_STR(pol_report_vendor_name(rep, 0), "ACME株式会社");
  CHECK_STR(pol_report_vendor(rep, 1, POL_VENDOR_VERSION), NULL); /* null */
  CHECK_STR(pol_report_vendor(rep, 1, POL_VENDOR_SERVICE), NULL);
  /* no $vendor: the source's base name, without its extension */
  CHECK_STR(pol_report_vendor_name(rep, 2), "c");
  CHECK_STR(pol_report_vendor(rep, 2, POL_VENDOR_DATE), NULL);
  CHECK_STR(pol_report_vendor(rep, 2, 99), NULL);
  CHECK_STR(pol_report_vendor_name(rep, 3), NULL);
  for (int i = 0; i < 3; i++)
    pol_facts_free(f[i]);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Compliance under the three unknown modes. */
static void test_unknown_modes(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, "must a: x.y == 1\nmust b: z == 2\n",
                              "u.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_facts *ok = facts_of(env, "{\"z\": 2}", "ok.json");
  pol_facts *bad = facts_of(env, "{\"z\": 3}", "bad.json");
  int modes[] = {POL_UNKNOWN_FAIL, POL_UNKNOWN_WARN, POL_UNKNOWN_IGNORE};
  test_name = "unknown modes";
  for (int m = 0; m < 3; m++) {
    pol_report *rep = report_of(pol, modes[m]);
    CHECK_RC(pol_check(ctx, rep, ok, "ok.json"), POL_OK);
    CHECK_RC(pol_check(ctx, rep, bad, "bad.json"), POL_OK);
    CHECK(pol_report_compliant(rep, 0) == (modes[m] != POL_UNKNOWN_FAIL));
    CHECK(!pol_report_compliant(rep, 1));
    pol_report_free(rep);
  }
  pol_facts_free(ok);
  pol_facts_free(bad);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

static void test_check_rule(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_B, "b.json");
  int others = 1;
  test_name = "pol_check_rule";
  CHECK_RC(pol_check_rule(ctx, rep, f, "b.json", R_BACKUP), POL_OK);
  CHECK(pol_report_vendor_count(rep) == 1);
  CHECK_STR(pol_report_verdict(rep, 0, R_BACKUP), "FAIL");
  for (size_t r = 0; r < NRULES; r++)
    if (r != R_BACKUP && pol_report_verdict_code(rep, 0, r) != POL_SKIPPED)
      others = 0;
  CHECK(others);
  CHECK_RC(pol_check_rule(ctx, rep, f, "b.json", NRULES), POL_EINVAL);
  CHECK_RC(pol_check_rule(ctx, rep, f, "b.json", POL_NOT_FOUND), POL_EINVAL);
  CHECK(pol_report_vendor_count(rep) == 1);
  CHECK_RC(pol_check_rule(ctx, rep, f, "b.json",
                          pol_policy_rule_find(pol, "mfa")), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 1, R_MFA), "PASS");
  CHECK_STR(pol_report_verdict(rep, 1, R_BACKUP), "SKIPPED");
  CHECK_RC(pol_check(NULL, rep, f, "b.json"), POL_EINVAL);
  CHECK_RC(pol_check(ctx, NULL, f, "b.json"), POL_EINVAL);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* The rules pol_check_rule did not check read SKIPPED; no format may say
 * their `when` was false, as nobody evaluated it. Every format said "not
 * applicable: when x > 0 is false" of a rule whose `when` held. */
static void test_check_rule_unchecked(void) {
  pol_env *env = env_default();
  const char *src = "rule gated {\n  when x > 0\n  require x > 10\n}\n"
                    "must exact: x == 5\n";
  pol_policy *pol = policy_of(env, src, "g.pol");
  pol_facts *five = facts_of(env, "{\"x\": 5}", "five.json");
  pol_facts *neg = facts_of(env, "{\"x\": -1}", "neg.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "pol_check_rule: the other rules were not checked";
  CHECK_RC(pol_check_rule(ctx, rep, five, "five.json", 1), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "SKIPPED");
  for (int format = 0; pol_format_name(format); format++) {
    const char *text = pol_report_render(rep, format, 0);
    CHECK(text && strstr(text, "x > 0") == NULL);
  }
  CHECK_HAS(pol_report_render(rep, POL_FORMAT_TAP, 0), "# SKIP not checked");
  /* nor may a report call the vendor compliant: `gated` may fail. With
   * `exact` passed, every format said COMPLIANT. */
  CHECK(!pol_report_compliant(rep, 0));
  CHECK_HAS(pol_report_render(rep, POL_FORMAT_TEXT, 0),
            "Result: NOT COMPLIANT\n  must-rules not checked "
            "(pol_check_rule): gated\n");
  CHECK_HAS(pol_report_render(rep, POL_FORMAT_JSON, 0),
            "\"compliant\": false");
  CHECK_RC(pol_check_rule(ctx, rep, five, "five2.json", 1), POL_OK);
  CHECK_HAS(pol_report_render(rep, POL_FORMAT_TEXT, 0),
            "  five: NOT CHECKED gated\n");
  pol_report_reset(rep); /* a rule whose when was false still says so */
  CHECK_RC(pol_check(ctx, rep, neg, "neg.json"), POL_OK);
  CHECK_HAS(pol_report_render(rep, POL_FORMAT_JSON, 0),
            "\"skipped_when\":\"x > 0\"");
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(neg);
  pol_facts_free(five);
  pol_policy_free(pol);
  pol_env_free(env);
}

static void test_render(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  const char *t;
  test_name = "pol_report_render";
  CHECK_RC(pol_check(ctx, rep, f, "in/a.json"), POL_OK);
  t = pol_report_render(rep, POL_FORMAT_JSON, 0);
  CHECK(t && t[0] == '{');
  CHECK_HAS(t, "\"vendor\": \"ACME株式会社\"");
  t = pol_report_render(rep, POL_FORMAT_TEXT, 0);
  CHECK_HAS(t, "NOT COMPLIANT");
  CHECK(strchr(t, '\x1b') == NULL);
  CHECK(strchr(pol_report_render(rep, POL_FORMAT_TEXT, POL_RENDER_COLOR),
               '\x1b') != NULL);
  t = pol_report_render(rep, POL_FORMAT_QUESTIONS, 0);
  CHECK_HAS(t, "\n1. "); /* not disclosed: a question, */
  CHECK(strstr(t, "auth.mfa") == NULL); /* which names no fact path */
  t = pol_report_render(rep, POL_FORMAT_QUESTIONS_JSON, 0);
  CHECK_HAS(t, "\"fact\":\"auth.mfa\""); /* for --assume */
  CHECK(pol_report_render(rep, 99, 0) == NULL);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}


/* A ctx keeps the scratch it checks in (docs/embedding.md) whichever
 * report it fills: one ctx filling three reports in turn, and one report
 * filled by three ctxs in turn, say of each vendor what a new ctx and
 * report say of it alone. */
static void test_ctx_across_reports(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  const char *vendors[] = {VENDOR_A, VENDOR_B, VENDOR_A, VENDOR_B};
  pol_facts *f[4];
  char *alone[4];
  pol_ctx *one = ctx_of(env), *many[3];
  pol_report *reps[3], *shared = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "a ctx across reports, a report across ctxs";
  for (int i = 0; i < 3; i++) {
    many[i] = ctx_of(env);
    reps[i] = report_of(pol, POL_UNKNOWN_FAIL);
  }
  for (int i = 0; i < 4; i++) {
    pol_ctx *c = ctx_of(env);
    pol_report *r = report_of(pol, POL_UNKNOWN_FAIL);
    f[i] = facts_of(env, vendors[i], i % 2 ? "in/b.json" : "in/a.json");
    CHECK_RC(pol_check(c, r, f[i], "v"), POL_OK);
    alone[i] = dup_str(pol_report_render(r, POL_FORMAT_JSON, 0));
    pol_report_free(r);
    pol_ctx_free(c);
  }
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < 4; i++) {
      pol_report *r = reps[(i + round) % 3];
      pol_report_reset(r);
      CHECK_RC(pol_check(one, r, f[i], "v"), POL_OK);
      CHECK_STR(pol_report_render(r, POL_FORMAT_JSON, 0), alone[i]);
      pol_report_reset(shared);
      CHECK_RC(pol_check(many[(i + round) % 3], shared, f[i], "v"), POL_OK);
      CHECK_STR(pol_report_render(shared, POL_FORMAT_JSON, 0), alone[i]);
    }
  for (int i = 0; i < 4; i++) {
    free(alone[i]);
    pol_facts_free(f[i]);
  }
  for (int i = 0; i < 3; i++) {
    pol_report_free(reps[i]);
    pol_ctx_free(many[i]);
  }
  pol_report_free(shared);
  pol_ctx_free(one);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A check at the ctx's as-of date judges waivers by that date too, as a
 * check at the report's does: the same date gives the same compliance.
 * With the date on the ctx, waivers expired by the clock. */
static void test_waiver_as_of(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, "must small: x > 1\n", "w.pol");
  pol_facts *f = facts_of(env, "{\"x\": 0}", "v.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *by_ctx = report_of(pol, POL_UNKNOWN_FAIL);
  pol_report *by_report = report_of(pol, POL_UNKNOWN_FAIL);
  pol_waivers *wv = NULL;
  pol_waiver w = POL_WAIVER_INIT;
  test_name = "waivers expire by the ctx's as-of date";
  w.rule = "small";
  w.vendor = "v";
  w.expires = "2020-01-01";
  CHECK_RC(pol_waivers_new(pol, &wv), POL_OK);
  CHECK_RC(pol_waivers_add(wv, &w), POL_OK);
  CHECK_RC(pol_report_set_waivers(by_ctx, wv), POL_OK);
  CHECK_RC(pol_report_set_waivers(by_report, wv), POL_OK);
  CHECK_RC(pol_report_set_as_of(by_report, "2019-06-01"), POL_OK);
  CHECK_RC(pol_check(ctx, by_report, f, "v.json"), POL_OK);
  CHECK_RC(pol_ctx_set_as_of(ctx, "2019-06-01"), POL_OK);
  CHECK_RC(pol_check(ctx, by_ctx, f, "v.json"), POL_OK);
  CHECK(pol_report_waiver(by_report, 0, 0) == POL_WAIVER_ACTIVE);
  CHECK(pol_report_waiver(by_ctx, 0, 0) == POL_WAIVER_ACTIVE);
  CHECK(pol_report_compliant(by_ctx, 0));
  pol_report_free(by_ctx);
  pol_report_free(by_report);
  pol_waivers_free(wv);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Text a host hands in as it is, a file name as the vendor's source or a
 * waiver's words, need not be UTF-8 (a Latin-1 file name on Linux): every
 * format still ends, in UTF-8. The CSV formats looped for ever on such a
 * byte, growing the report until memory ran out; the alarm turns that
 * into a failure. */
static void render_stuck(int sig) {
  (void)sig;
  static const char msg[] = "FAIL render of non-UTF-8 host text: no end\n";
  if (write(1, msg, sizeof msg - 1) < 0)
    _exit(1);
  _exit(1);
}

static void test_render_host_bytes(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_C, "in/c.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_waivers *wv = NULL;
  pol_waiver w = POL_WAIVER_INIT;
  test_name = "every format of host text that is not UTF-8";
  w.rule = "mfa";
  w.vendor = "caf\xe9";
  w.justification = "accept\xe9 \xff";
  CHECK_RC(pol_waivers_new(pol, &wv), POL_OK);
  CHECK_RC(pol_waivers_add(wv, &w), POL_OK);
  CHECK_RC(pol_report_set_waivers(rep, wv), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "in/caf\xe9.json"), POL_OK);
  CHECK(pol_report_waiver(rep, 0, R_MFA) == POL_WAIVER_ACTIVE);
  signal(SIGALRM, render_stuck);
  for (int format = 0; pol_format_name(format); format++) {
    alarm(20);
    const char *text = pol_report_render(rep, format, 0);
    alarm(0);
    CHECK(text != NULL && is_utf8(text));
  }
  signal(SIGALRM, SIG_DFL);
  pol_report_free(rep);
  pol_waivers_free(wv);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* An UNKNOWN rule's residual and decisive facts are worked out from the
 * vendor's facts at the date its rules were checked at: the report's
 * (pol_report_set_as_of) or the ctx's (pol_ctx_set_as_of). In 2019 the
 * rule below passes if a.x or b.y holds; they were worked out at the
 * clock's date, where only b.y can, so the report asked the vendor one
 * question where its verdict needed two. */
static void check_residual_2019(pol_report *rep, size_t i) {
  CHECK_STR(pol_report_verdict(rep, i, 0), "UNKNOWN");
  CHECK_STR(pol_report_residual(rep, i, 0), "a.x || b.y");
  CHECK(pol_report_decisive_count(rep, i, 0) == 2);
  CHECK_STR(pol_report_decisive_path(rep, i, 0, 0), "a.x");
}

static void test_residual_as_of(void) {
  pol_env *env = env_default();
  const char *src = "must dated: (now() < timestamp(\"2020-01-01T00:00:00Z\")"
                    " && a.x) || b.y\n";
  pol_policy *pol = policy_of(env, src, "dated.pol");
  pol_facts *f = facts_of(env, "{}", "v.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "residuals at the as-of date";
  CHECK_RC(pol_report_set_as_of(rep, "2019-06-01"), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  check_residual_2019(rep, 0);
  /* NULL takes the report's date away: the clock's again */
  CHECK_RC(pol_report_set_as_of(rep, NULL), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK_STR(pol_report_residual(rep, 1, 0), "b.y");
  pol_report_free(rep);
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_ctx_set_as_of(ctx, "2019-06-01"), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK_RC(pol_ctx_set_as_of(ctx, NULL), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK); /* at the clock's */
  CHECK_RC(pol_report_detach(rep), POL_OK);
  check_residual_2019(rep, 0);
  CHECK_STR(pol_report_residual(rep, 1, 0), "b.y");
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

void contract_report_tests(void) {
  test_policy_info();
  test_imports();
  test_report_basics();
  test_report_results();
  test_report_omitted();
  test_vendor_metadata();
  test_unknown_modes();
  test_check_rule();
  test_check_rule_unchecked();
  test_render();
  test_ctx_across_reports();
  test_residual_as_of();
  test_waiver_as_of();
  test_render_host_bytes();
}
