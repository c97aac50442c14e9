/*
 * test_explain.c: unit tests of the explanations of verdicts
 * (lib/explain*.c, pol_explain_*): over the example matrix (the
 * procurement policy and the five vendors) every explained verdict is
 * the verdict check gives, and every FAIL gets a sentence that names the
 * deciding fact or item and the value the vendor states; a quantifier
 * names the item that decided it; sentences in English; the nodes and
 * the arm a ?: took; JSON that parses; a policy without source refused.
 */
#include "harness.h"

#include <stdlib.h>

#include "env_fixture.h"
#include "pol.h"

typedef env_fixture fixture;

static pol_facts *facts_of(fixture *f, const char *json) {
  pol_facts *v;
  assert_int_equal(pol_facts_new(f->env, &v), POL_OK);
  assert_int_equal(pol_facts_load_json(v, json, strlen(json), "v"), POL_OK);
  return v;
}

/* The first node of the last explained rule whose kind is [kind] (or,
 * when [kind] is NULL, whose text is [text]) into *[out]; its index,
 * or -1. */
static long find_node(const pol_explain *x, const char *kind,
                      const char *text, pol_explain_node *out) {
  for (size_t i = 0; i < pol_explain_node_count(x); i++) {
    pol_explain_node n = POL_EXPLAIN_NODE_INIT;
    pol_explain_get(x, i, &n);
    if (!strcmp(kind ? n.kind : n.text, kind ? kind : text)) {
      *out = n;
      return (long)i;
    }
  }
  return -1;
}

static long find_kind(const pol_explain *x, const char *kind) {
  pol_explain_node n = POL_EXPLAIN_NODE_INIT;
  return find_node(x, kind, NULL, &n);
}

/* Compile [src] as [file] (with its source kept) into *[pol], its
 * explainer into *[x]; the facts [json]. */
static pol_facts *explained(fixture *f, const char *src, const char *file,
                            const char *json, pol_policy **pol,
                            pol_explain **x) {
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), file, pol));
  assert_int_equal(pol_explain_new(*pol, x), POL_OK);
  return facts_of(f, json);
}

/* Vendor [path] against every rule of [pol]: the verdicts agree with
 * check, and each FAIL's sentence states a value. Returns the FAILs. */
static int explain_vendor(fixture *f, const pol_policy *pol, pol_explain *x,
                          const char *path) {
  pol_facts *v;
  pol_report *rep;
  int fails = 0;
  assert_int_equal(pol_facts_new(f->env, &v), POL_OK);
  assert_int_equal(pol_facts_load_file(v, path), POL_OK);
  assert_int_equal(pol_report_new(pol, POL_UNKNOWN_FAIL, &rep), POL_OK);
  assert_int_equal(pol_check(f->ctx, rep, v, path), POL_OK);
  for (size_t r = 0; r < pol_policy_rule_count(pol); r++) {
    assert_int_equal(pol_explain_rule(x, v, r, "ja"), POL_OK);
    const char *want = pol_report_verdict(rep, 0, r);
    if (strcmp(pol_explain_verdict(x), want) != 0)
      fail_msg("%s %s: explained %s, checked %s", path,
               pol_policy_rule_id(pol, r), pol_explain_verdict(x), want);
    if (strcmp(want, "FAIL") != 0)
      continue;
    fails++;
    const char *s = pol_explain_sentence(x);
    if (!s || (!strstr(s, "ベンダーの記載は") && !strstr(s, "満たす要素")))
      fail_msg("%s %s: no value named: %s", path, pol_policy_rule_id(pol, r),
               s ? s : "(none)");
    long q = find_kind(x, "quantifier");
    pol_explain_node n = POL_EXPLAIN_NODE_INIT;
    n.item = NULL;
    const char *iv = NULL; /* an item may be named by its value */
    if (q >= 0 && pol_explain_get(x, (size_t)q, &n) == POL_OK && n.item)
      iv = pol_value_str(n.item_value, NULL);
    if (n.item && !strstr(s, n.item) && !(iv && strstr(s, iv)))
      fail_msg("%s %s: the deciding item %s is not named: %s", path,
               pol_policy_rule_id(pol, r), n.item, s);
    assert_non_null(pol_explain_render(x, POL_FORMAT_TEXT));
  }
  pol_report_free(rep);
  pol_facts_free(v);
  return fails;
}

static void every_fail_of_the_matrix_is_explained(void **state) {
  fixture *f = *state;
  static const char *const vendors[] = {
      "examples/vendors/chatwork-secure-samba.json",
      "examples/vendors/crise-cloudbot.json",
      "examples/vendors/cybozu-china.json",
      "examples/vendors/rakus-chatdealer.json",
      "examples/vendors/synergy-crm.json"};
  pol_policy *pol;
  pol_explain *x;
  assert_pol_ok(f, pol_policy_compile_file(
                       f->env, "examples/policies/procurement.pol", &pol));
  assert_int_equal(pol_explain_new(pol, &x), POL_OK);
  int fails = 0;
  for (size_t i = 0; i < sizeof vendors / sizeof *vendors; i++)
    fails += explain_vendor(f, pol, x, vendors[i]);
  assert_true(fails >= 20);
  pol_explain_free(x);
  pol_policy_free(pol);
}

static void quantifier_names_its_item(void **state) {
  fixture *f = *state;
  const char *src = "let allowed = [JP, \"EU\"]\n"
                    "must seats: subprocessors.all(s, s.legal_seat in "
                    "allowed)\n";
  pol_policy *pol;
  pol_explain *x;
  pol_facts *v = explained(
      f, src, "q.pol",
      "{\"subprocessors\": [{\"legal_seat\": \"JP\"}, {\"name\": "
      "\"A\"}, {\"legal_seat\": \"US\"}], \"$evidence\": "
      "{\"subprocessors\": \"§9: 「委託先」\"}}",
      &pol, &x);
  assert_int_equal(pol_explain_rule(x, v, 0, "en"), POL_OK);
  assert_string_equal(pol_explain_verdict(x), "FAIL");
  pol_explain_node n = POL_EXPLAIN_NODE_INIT;
  assert_int_equal(pol_explain_get(x, 0, &n), POL_OK);
  assert_string_equal(n.kind, "quantifier");
  assert_string_equal(n.item, "subprocessors[2]"); /* false beats missing */
  assert_string_equal(pol_explain_sentence(x),
                      "subprocessors[2].legal_seat must be one of allowed "
                      "([\"JP\", \"EU\"]), but the vendor states \"US\" "
                      "(§9: 「委託先」).");
  pol_explain_free(x);
  pol_facts_free(v);
  pol_policy_free(pol);
}

/* The detail of node [text] of the last explained rule, or "(none)". */
static const char *detail_of(const pol_explain *x, const char *text) {
  pol_explain_node n = POL_EXPLAIN_NODE_INIT;
  if (find_node(x, NULL, text, &n) < 0)
    return "(no such node)";
  return n.detail ? n.detail : "(none)";
}

/* A quantifier no item decides (an all() that holds, an exists() that
 * does not) ran its body on every item: the body says what it gave
 * each, its parts that they ran per item, an empty range that there
 * were none; a nested quantifier's body ran per outer item too. */
static void undecided_quantifier_says_what_ran(void **state) {
  fixture *f = *state;
  const char *src = "must a: xs.all(c, c in [\"JP\", \"US\"])\n"
                    "must b: xs.exists(c, c == \"CN\")\n"
                    "must c: none.all(c, c == \"JP\")\n"
                    "must d: nest.all(r, r.all(y, y == 1))\n";
  pol_policy *pol;
  pol_explain *x;
  pol_facts *v = explained(f, src, "u.pol",
                           "{\"xs\": [\"JP\", \"US\"], \"none\": [], "
                           "\"nest\": [[1], [1, 1]]}", &pol, &x);
  assert_int_equal(pol_explain_rule(x, v, 0, "en"), POL_OK);
  assert_string_equal(detail_of(x, "c in [\"JP\", \"US\"]"),
                      "true for each of its 2 items");
  assert_string_equal(detail_of(x, "[\"JP\", \"US\"]"),
                      "evaluated for each item");
  assert_int_equal(pol_explain_rule(x, v, 1, "en"), POL_OK);
  assert_string_equal(detail_of(x, "c == \"CN\""),
                      "false for each of its 2 items");
  assert_int_equal(pol_explain_rule(x, v, 2, "en"), POL_OK);
  assert_string_equal(detail_of(x, "c == \"JP\""), "no items");
  assert_int_equal(pol_explain_rule(x, v, 3, "en"), POL_OK);
  assert_string_equal(detail_of(x, "r.all(y, y == 1)"),
                      "true for each of its 2 items");
  assert_string_equal(detail_of(x, "y == 1"), "evaluated for each item");
  pol_explain_free(x);
  pol_facts_free(v);
  pol_policy_free(pol);
}

static void english_and_japanese(void **state) {
  fixture *f = *state;
  const char *src = "import \"vendor_schema\"\n"
                    "must gen: backup.generations >= 7\n"
                    "must bk: backup.enabled\n";
  pol_policy *pol;
  pol_explain *x;
  pol_facts *v = explained(f, src, "e.pol",
                           "{\"backup\": {\"generations\": 5, \"enabled\":"
                           " false}, \"$evidence\": {\"backup\": "
                           "\"§3: 「5世代」\"}}", &pol, &x);
  assert_int_equal(pol_explain_rule(x, v, 0, "en"), POL_OK);
  assert_string_equal(pol_explain_sentence(x),
                      "Number of backup generations kept (the stated or "
                      "committed count) (backup.generations) must be at "
                      "least 7, but the vendor states 5 (§3: 「5世代」).");
  assert_int_equal(pol_explain_rule(x, v, 0, "ja"), POL_OK);
  assert_string_equal(pol_explain_sentence(x),
                      "保管世代数（確約・明記された値）（backup.generations）"
                      "は 7 以上であることが必要ですが、ベンダーの記載は 5 "
                      "です（§3: 「5世代」）。");
  assert_int_equal(pol_explain_rule(x, v, 1, NULL), POL_OK);
  assert_non_null(strstr(pol_explain_sentence(x), "は true であることが"));
  assert_int_equal(pol_explain_rule(x, v, 1, "fr"), POL_EINVAL);
  pol_explain_free(x);
  pol_facts_free(v);
  pol_policy_free(pol);
}

static void nodes_values_and_arms(void **state) {
  fixture *f = *state;
  const char *src = "let limit = 24\n"
                    "rule r {\n  when x.on\n"
                    "  require has(x.h) ? x.h <= limit : x.t <= limit\n}\n";
  pol_policy *pol;
  pol_explain *x;
  pol_facts *v = explained(f, src, "n.pol",
                           "{\"x\": {\"on\": true, \"t\": 48}}", &pol, &x);
  assert_int_equal(pol_explain_rule(x, v, 0, "ja"), POL_OK);
  assert_string_equal(pol_explain_verdict(x), "FAIL");
  pol_explain_node n = POL_EXPLAIN_NODE_INIT;
  assert_int_equal(pol_explain_get(x, 0, &n), POL_OK);
  assert_string_equal(n.role, "when");
  assert_true(pol_value_bool(n.value));
  long c = find_kind(x, "cond");
  assert_true(c > 0);
  assert_int_equal(pol_explain_get(x, (size_t)c, &n), POL_OK);
  assert_int_equal(n.arm, 2); /* has(x.h) was false */
  bool untaken = false;
  for (size_t i = 0; i < pol_explain_node_count(x); i++) {
    pol_explain_get(x, i, &n);
    untaken |= !strcmp(n.state, "skipped") && !strcmp(n.text, "x.h <= limit");
  }
  assert_true(untaken);
  /* JSON that parses */
  const char *json = pol_explain_render(x, POL_FORMAT_JSON);
  assert_non_null(json);
  pol_facts *check;
  assert_int_equal(pol_facts_new(f->env, &check), POL_OK);
  assert_int_equal(pol_facts_bind_json(check, "j", json, strlen(json), "j"),
                   POL_OK);
  pol_facts_free(check);
  pol_explain_free(x);
  pol_facts_free(v);
  pol_policy_free(pol);
}

static void needs_the_source(void **state) {
  fixture *f = *state;
  pol_env *plain;
  pol_policy *pol;
  pol_explain *x = (pol_explain *)1;
  (void)f;
  assert_int_equal(pol_env_new(NULL, &plain), POL_OK);
  assert_int_equal(pol_policy_compile(plain, "x", 1, "t", &pol), POL_OK);
  assert_int_equal(pol_explain_new(pol, &x), POL_EINVAL);
  assert_null(x);
  assert_null(pol_explain_verdict(NULL));
  pol_policy_free(pol);
  pol_env_free(plain);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_fail_of_the_matrix_is_explained,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(quantifier_names_its_item, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(english_and_japanese, env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(undecided_quantifier_says_what_ran,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(nodes_values_and_arms, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(needs_the_source, env_setup_source, env_teardown),
  };
  return RUN_TESTS("explain", tests, argc, argv);
}
