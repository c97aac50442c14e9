/*
 * contract_facts.c: the promises about replacing a fact set, checked in
 * the orders a host takes when something goes wrong: "loading replaces
 * the whole set; on any error the set is empty" (pol.h, docs/embedding.md
 * "Lifetimes and ownership" 7) for every loader and every way it can
 * fail, arguments included, so that a host that misses one error never
 * checks the previous vendor's facts under the next vendor's name; and
 * the map pol_facts_load_value takes, which must be the set's own.
 * Written from the header and docs/ (audit of 2026-12).
 */
#include "contract.h"

#include <stdlib.h>
#include <string.h>

/* The set [f] holds vendor A's facts again. */
static void reload_a(pol_facts *f) {
  CHECK_RC(pol_facts_load_json(f, VENDOR_A, strlen(VENDOR_A), "a.json"),
           POL_OK);
  CHECK(pol_facts_count(f) > 0);
}

/* A failing load, of whatever kind, leaves [f] empty: checked through the
 * accessors and through a check, whose vendor must not read A's facts. */
static void check_empty(pol_env *env, const pol_policy *pol, pol_facts *f) {
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK(pol_facts_count(f) == 0);
  CHECK(pol_facts_get(f, "backup") == NULL);
  CHECK_RC(pol_check(ctx, rep, f, "next.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, R_BACKUP), "UNKNOWN");
  CHECK_STR(pol_report_vendor_name(rep, 0), "next");
  pol_report_free(rep);
  pol_ctx_free(ctx);
}

/* Bad arguments are errors too: POL_EINVAL, a message, and the set empty
 * (it held vendor A before each). */
static void test_load_bad_arguments(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  size_t pos;
  test_name = "facts: a load refused for its arguments empties the set";
  CHECK_RC(pol_facts_load_json(f, NULL, 0, "b.json"), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_load_json");
  check_empty(env, pol, f);
  reload_a(f);
  CHECK_RC(pol_facts_load_record(f, "{}", 2, "b.ndjson", 0), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "line");
  check_empty(env, pol, f);
  reload_a(f);
  CHECK_RC(pol_facts_load_file(f, NULL), POL_EINVAL);
  check_empty(env, pol, f);
  reload_a(f);
  pos = 0;
  CHECK_RC(pol_facts_load_json_next(f, NULL, 0, &pos, "b.ndjson"),
           POL_EINVAL);
  check_empty(env, pol, f);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A position past the end of the text is a bad argument, not a read past
 * it (ASan saw the reader look beyond the buffer). */
static void test_next_past_end(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  char *text = malloc(2); /* exactly "{}", no NUL: ASan sees past it */
  size_t pos = 5;
  test_name = "facts: load_json_next with *pos past the end";
  if (!text)
    exit(2);
  memcpy(text, "{}", 2);
  CHECK_RC(pol_facts_load_json_next(f, text, 2, &pos, "s.ndjson"),
           POL_EINVAL);
  CHECK(pos == 5); /* a bad argument moves nothing */
  CHECK_HAS(pol_facts_errmsg(f), "past the end");
  check_empty(env, pol, f);
  /* at the end exactly: the end of the input, as documented */
  reload_a(f);
  pos = 2;
  CHECK_RC(pol_facts_load_json_next(f, text, 2, &pos, "s.ndjson"),
           POL_EFORMAT);
  check_empty(env, pol, f);
  free(text);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_facts_load_value of something that is not a map: POL_EINVAL and,
 * as for every loader, the set empty; values the builder made stay valid
 * (the host may load the right one next). */
static void test_load_value_not_map(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_builder *b = pol_facts_builder(f);
  const char *gk[] = {"generations"}, *tk[] = {"backup"};
  const pol_value *seven = pol_new_int(b, 7);
  const pol_value *backup = pol_new_map(b, gk, &seven, 1);
  const pol_value *top = pol_new_map(b, tk, &backup, 1);
  test_name = "facts: load_value of a non-map empties the set";
  CHECK(top != NULL);
  CHECK_RC(pol_facts_load_value(f, seven), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "map");
  check_empty(env, pol, f);
  CHECK(pol_value_int(seven) == 7); /* still the builder's */
  CHECK_RC(pol_facts_load_value(f, top), POL_OK);
  CHECK(pol_value_int(pol_value_get(pol_facts_get(f, "backup"),
                                    "generations")) == 7);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* The map must come from the set's own builder: it is not copied, so a
 * map another fact set made would die with that set under this one
 * (valgrind saw the read of freed memory). Refused, the set empty. */
static void test_load_value_foreign(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_facts *g = NULL;
  test_name = "facts: load_value of another set's map is refused";
  CHECK_RC(pol_facts_new(env, &g), POL_OK);
  pol_builder *gb = pol_facts_builder(g);
  const char *k[] = {"x"};
  const pol_value *one = pol_new_int(gb, 1);
  const pol_value *m = pol_new_map(gb, k, &one, 1);
  CHECK(m != NULL);
  CHECK_RC(pol_facts_load_value(f, m), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "builder");
  pol_facts_free(g);
  CHECK(pol_facts_get(f, "x") == NULL);
  check_empty(env, pol, f);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_facts_bind_all: another set's variables bound as binding each in
 * turn would, copied (the other set may go first), and a check reads
 * them; a failing call changes nothing. */
static void test_bind_all(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_facts *g = NULL;
  size_t before = pol_facts_count(f);
  test_name = "facts: bind_all binds another set's variables, copied";
  CHECK_RC(pol_facts_new(env, &g), POL_OK);
  const char *more = "{\"zz_extra\": [1, 2], \"backup\": {\"offered\": false}}";
  CHECK_RC(pol_facts_load_json(g, more, strlen(more), "more.json"), POL_OK);
  CHECK_RC(pol_facts_bind_all(f, NULL), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_bind_all");
  CHECK(pol_facts_count(f) == before);
  CHECK_RC(pol_facts_bind_all(f, g), POL_OK);
  pol_facts_free(g);
  CHECK(pol_facts_count(f) == before + 1); /* backup kept its place */
  CHECK_STR(pol_facts_name(f, before), "zz_extra");
  CHECK(pol_value_len(pol_facts_get(f, "zz_extra")) == 2);
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, f, "a.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, R_BACKUP), "UNKNOWN"); /* g's */
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Binding a literal is a call on the fact set: it leaves the env's
 * diagnostics, message and rendered text alone ("until its next
 * compile": a bind is none). It compiled the literal through the env,
 * which freed the diagnostic strings a host still held (ASan: read of
 * freed memory) and put the literal's in their place. */
static void test_bind_literal_leaves_env(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_program *prog = NULL;
  pol_diag d = POL_DIAG_INIT;
  const char *render;
  char *want_msg, *want_env, *want_render;
  test_name = "facts: bind_literal leaves the env's diagnostics alone";
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "rule.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK_RC(pol_diag_get(env, 0, &d), POL_OK);
  render = pol_diag_render(env, 0);
  want_msg = dup_str(d.message);
  want_env = dup_str(pol_env_errmsg(env));
  want_render = dup_str(render);
  CHECK_RC(pol_facts_bind_literal(f, "limit", "[1, 2u]", 7), POL_OK);
  CHECK_RC(pol_facts_bind_literal(f, "bad", "2 *", 3), POL_EFORMAT);
  CHECK_HAS(pol_facts_errmsg(f), "bad:1:4:");
  CHECK(pol_diag_count(env) == 1);
  CHECK_STR(d.file, "rule.cel");
  CHECK_STR(d.message, want_msg);
  CHECK_STR(pol_env_errmsg(env), want_env);
  CHECK_STR(render, want_render);
  CHECK(pol_value_len(pol_facts_get(f, "limit")) == 2);
  free(want_msg);
  free(want_env);
  free(want_render);
  pol_facts_free(f);
  pol_env_free(env);
}

/* The path of the first fact rule [r] read for vendor 0. */
static const char *first_read(const pol_report *rep, size_t r) {
  return pol_report_fact_count(rep, 0, r) ? pol_report_fact_path(rep, 0, r, 0)
                                          : "(none)";
}

/* A map for pol_facts_load_value may hold values borrowed from another
 * fact set ("items ... borrowed from values that outlive it") and one
 * value under two names. Loading it wrote this set's places into the
 * other set's containers, so the other set's report named
 * "other.countries[0]" for data.countries[0] and lost its evidence; and
 * a value under two names was reported under the last, whichever one the
 * rule read. */
static void test_load_value_borrowed(void) {
  pol_env *env = env_default();
  const char *src = "must a: data.countries.all(c, c == \"JP\")\n"
                    "must b: primary.countries.all(c, c == \"JP\")\n";
  pol_policy *pol = policy_of(env, src, "b.pol");
  pol_facts *g = facts_of(env, VENDOR_A, "in/a.json");
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  const char *keys[] = {"other", "primary", "backup_site"};
  const pol_value *vals[3];
  pol_builder *b;
  test_name = "facts: load_value of borrowed and repeated values";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  b = pol_facts_builder(f);
  const char *ck[] = {"countries"};
  const pol_value *jp = pol_new_string(b, "JP", 2);
  const pol_value *list = pol_new_list(b, &jp, 1);
  const pol_value *site = pol_new_map(b, ck, &list, 1);
  vals[0] = pol_facts_get(g, "data"); /* borrowed: g outlives f's use */
  vals[1] = vals[2] = site;           /* one value, two names */
  CHECK_RC(pol_facts_load_value(f, pol_new_map(b, keys, vals, 3)), POL_OK);
  CHECK_RC(pol_check(ctx, rep, g, "in/a.json"), POL_OK);
  CHECK_STR(first_read(rep, 0), "data.countries[0]");
  CHECK_STR(pol_report_fact_evidence(rep, 0, 0, 0), "4.1: 「JP」");
  pol_report_reset(rep);
  CHECK_RC(pol_check(ctx, rep, f, "row"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 1), "PASS");
  CHECK_STR(first_read(rep, 1), "primary.countries[0]");
  pol_report_reset(rep);
  pol_facts_free(g); /* f keeps what it holds */
  CHECK_RC(pol_check(ctx, rep, f, "row"), POL_OK);
  CHECK(pol_value_len(pol_value_get(pol_facts_get(f, "other"),
                                    "countries")) == 2);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* {==== assumptions, then bindings ========================================
 * pol_facts_assume: "$assumed lists it, so reports mark the value as
 * assumed; a check of [facts] also works out each rule's verdict without
 * the assumptions". Those verdicts ("was" in the JSON report) are of the
 * facts as the host gave them: its bindings, made before or after the
 * assumptions, included, and never a previous vendor's. */

/* The JSON of rule [id] of the first vendor of [rep] (up to the next
 * rule), copied; NULL when absent. */
static char *rule_json(pol_report *rep, const char *id) {
  const char *json = pol_report_render(rep, POL_FORMAT_JSON, 0);
  const char *results = json ? strstr(json, "\"results\"") : NULL;
  char key[64];
  snprintf(key, sizeof key, "{\"id\":\"%s\"", id);
  const char *at = results ? strstr(results, key) : NULL;
  if (!at)
    return NULL;
  const char *end = strstr(at + 1, "{\"id\":");
  size_t n = end ? (size_t)(end - at) : strlen(at);
  char *r = malloc(n + 1);
  if (r) {
    memcpy(r, at, n);
    r[n] = '\0';
  }
  return r;
}

/* Whether rule [id]'s JSON in [rep] has [part]. */
static int rule_has(pol_report *rep, const char *id, const char *part) {
  char *r = rule_json(rep, id);
  int has = r && strstr(r, part) != NULL;
  free(r);
  return has;
}

/* An assumption in an empty set (a new one, or one a failing load
 * emptied) is an assumption too: it was shown as the vendor's own fact,
 * with no "was" and no "assumed" mark, a false PASS in the report. */
static void test_assume_in_empty_set(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  test_name = "facts: an assumption in an empty set is marked as one";
  for (int emptied = 0; emptied < 2; emptied++) {
    if (emptied)
      CHECK_RC(pol_facts_load_json(f, "{", 1, "bad.json"), POL_EFORMAT);
    else
      pol_facts_reset(f);
    CHECK_RC(pol_facts_assume(f, "backup.generations=9"), POL_OK);
    pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
    CHECK_RC(pol_check(ctx, rep, f, "next.json"), POL_OK);
    CHECK_STR(pol_report_verdict(rep, 0, R_BACKUP), "PASS");
    CHECK(rule_has(rep, "backup_generations", "\"was\":\"UNKNOWN\""));
    CHECK(rule_has(rep, "backup_generations", "\"assumed\":true"));
    pol_report_free(rep);
  }
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A binding after an assumption is the host's fact, not a what-if: the
 * verdicts without the assumptions see it. They read the set as loaded
 * before it: a variable bound after was missing from them ("was:
 * UNKNOWN" for a rule only the binding decides), and a variable bound
 * again kept vendor A's value there (backup.generations 7: "was: PASS"
 * for a rule that fails on the bound 3). */
static void test_bind_after_assume(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "facts: a binding after an assumption is no assumption";
  CHECK_RC(pol_facts_assume(f, "data.countries=[\"JP\"]"), POL_OK);
  const char *mfa = "{\"mfa\": true}", *gens = "{\"generations\": 3}";
  CHECK_RC(pol_facts_bind_json(f, "auth", mfa, strlen(mfa), "m"), POL_OK);
  CHECK_RC(pol_facts_bind_json(f, "backup", gens, strlen(gens), "g"), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "a.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, R_MFA), "PASS");
  CHECK_STR(pol_report_verdict(rep, 0, R_BACKUP), "FAIL");
  CHECK_STR(pol_report_verdict(rep, 0, R_REGION), "PASS");
  CHECK(rule_has(rep, "mfa", "\"was\":\"PASS\""));
  CHECK(rule_has(rep, "backup_generations", "\"was\":\"FAIL\""));
  CHECK(rule_has(rep, "region", "\"was\":\"FAIL\""));
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* What a binding cannot do once there are assumptions: replace the
 * variable an assumption went through (its value would be the host's,
 * and still be marked assumed) or the lists of them, and bring another
 * set's assumptions over as plain facts (bind_all). Each is POL_EINVAL
 * with a message, the set as it was. */
static void test_bind_refused_by_assumptions(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_facts *g = facts_of(env, VENDOR_B, "b.json");
  test_name = "facts: bindings that would undo an assumption are refused";
  CHECK_RC(pol_facts_assume(f, "data.countries[1]=\"JP\""), POL_OK);
  size_t before = pol_facts_count(f);
  const pol_value *data = pol_facts_get(f, "data");
  CHECK_RC(pol_facts_bind_json(f, "data", "{}", 2, "d"), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "'data' holds an assumption");
  CHECK_RC(pol_facts_bind_literal(f, "$assumed", "[]", 2), POL_EINVAL);
  CHECK_RC(pol_facts_bind_value(f, "$withheld", data), POL_EINVAL);
  CHECK(pol_facts_count(f) == before && pol_facts_get(f, "data") == data);
  const char *d = "{\"data\": {\"countries\": [\"US\"]}}";
  pol_facts *h = facts_of(env, d, "d.json");
  CHECK_RC(pol_facts_bind_all(f, h), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_bind_all");
  CHECK(pol_facts_get(f, "data") == data);
  CHECK_RC(pol_facts_assume(g, "auth.mfa=false"), POL_OK);
  pol_facts_reset(h);
  CHECK_RC(pol_facts_bind_all(h, g), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(h), "holds assumptions");
  CHECK(pol_facts_count(h) == 0);
  pol_facts_free(h);
  pol_facts_free(g);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

void contract_facts_tests(void) {
  test_load_bad_arguments();
  test_next_past_end();
  test_load_value_not_map();
  test_load_value_foreign();
  test_bind_all();
  test_bind_literal_leaves_env();
  test_load_value_borrowed();
  test_assume_in_empty_set();
  test_bind_after_assume();
  test_bind_refused_by_assumptions();
}
