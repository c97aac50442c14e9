/*
 * test_residual.c: what the corpus (test_unknowns.c) does not reach:
 * the residual accessors at their edges, a residual read after the fact
 * set is gone, saved policies whose texts are hostile or damaged, the
 * language setting of a writer, pol_facts_assume's messages, the trace
 * of has() over a missing fact, and a report reused from vendor to
 * vendor (what it keeps of the trees and pieces: a reused report says
 * what a new one says). Public API first; the internal headers only to
 * damage a policy.
 */
#include "harness.h"

#include <stdlib.h>

#include "pol.h"
#include "policy.h"
#include "report.h"
#include "residual.h"
#include "verify.h"

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts;
  pol_policy *pol;
  pol_report *rep;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || pol_env_new(NULL, &f->env) || pol_ctx_new(f->env, &f->ctx) ||
      pol_facts_new(f->env, &f->facts))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pol_report_free(f->rep);
  pol_policy_free(f->pol);
  pol_facts_free(f->facts);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}

static const char POLICY[] =
    "must a: x.y >= 7\n"
    "rule b {\n"
    "  when w\n"
    "  require true\n"
    "}\n"
    "must c: p || q\n"
    "must d: n == 1\n";

/* Compile [src], load [json], check: the report in f->rep. */
static void check(fixture *f, const char *src, const char *json) {
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "t.pol",
                                      &f->pol));
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &f->rep));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
}

static void accessors(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{\"x\": {}, \"q\": false, \"n\": 1, "
                   "\"$withheld\": [\"p\"], \"$evidence\": {\"p\": \"1: 「非開示」\"}}");
  pol_report *r = f->rep;
  assert_string_equal(pol_report_residual(r, 0, 0), "x.y >= 7");
  assert_null(pol_report_residual_when(r, 0, 0));
  assert_int_equal(pol_report_residual_then(r, 0, 0), -1);
  assert_int_equal(pol_report_decisive_count(r, 0, 0), 1);
  assert_string_equal(pol_report_decisive_path(r, 0, 0, 0), "x.y");
  assert_false(pol_report_decisive_withheld(r, 0, 0, 0));
  assert_null(pol_report_decisive_evidence(r, 0, 0, 0));
  /* an undecided when over a decided require */
  assert_null(pol_report_residual(r, 0, 1));
  assert_string_equal(pol_report_residual_when(r, 0, 1), "w");
  assert_int_equal(pol_report_residual_then(r, 0, 1), POL_PASS);
  /* a withheld decisive fact, with its refusal */
  assert_string_equal(pol_report_residual(r, 0, 2), "p");
  assert_true(pol_report_decisive_withheld(r, 0, 2, 0));
  assert_string_equal(pol_report_decisive_evidence(r, 0, 2, 0),
                      "1: 「非開示」");
  /* another verdict, out of range: nothing */
  assert_string_equal(pol_report_verdict(r, 0, 3), "PASS");
  assert_null(pol_report_residual(r, 0, 3));
  assert_int_equal(pol_report_decisive_count(r, 0, 3), 0);
  assert_null(pol_report_residual(r, 1, 0));
  assert_null(pol_report_residual(r, 0, 99));
  assert_null(pol_report_decisive_path(r, 0, 0, 1));
  assert_false(pol_report_decisive_withheld(r, 0, 0, 5));
  assert_null(pol_report_residual(NULL, 0, 0));
}

/* Detaching works the residuals out; they and the citations outlive the
 * fact set (run under ASan). */
static void detached(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{\"x\": {}, \"$withheld\": [\"p\"], "
                   "\"$evidence\": {\"p\": \"1: 「非開示」\"}}");
  assert_pol_ok(f, pol_report_detach(f->rep));
  pol_facts_free(f->facts);
  f->facts = NULL;
  assert_string_equal(pol_report_residual(f->rep, 0, 2), "p || q");
  assert_string_equal(pol_report_decisive_evidence(f->rep, 0, 2, 0),
                      "1: 「非開示」");
  const char *t = pol_report_render(f->rep, POL_FORMAT_QUESTIONS_JSON, 0);
  assert_non_null(t);
  assert_non_null(strstr(t, "\"fact\":\"p\""));
}

/* A residual read after the report was reset: nothing, not a crash. */
static void after_reset(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{}");
  pol_report_reset(f->rep);
  assert_null(pol_report_residual(f->rep, 0, 0));
}

/* Texts outside their sources are refused by the verifier; a text that
 * no longer parses leaves the rule without a residual, and the reports
 * list its missing facts instead. */
static void damaged_texts(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{}");
  policy *p = (policy *)f->pol;
  char msg[256];
  expr_src keep = p->rules[0].require_at;
  p->rules[0].require_at.off = 1u << 30;
  assert_int_equal(verify_policy(p, msg, sizeof msg), POL_EFORMAT);
  assert_non_null(strstr(msg, "outside the sources"));
  p->rules[0].require_at = keep;
  p->rules[0].require_at.off = 0; /* "must a: x.y": no expression */
  assert_int_equal(verify_policy(p, msg, sizeof msg), POL_OK);
  assert_null(pol_report_residual(f->rep, 0, 0));
  assert_int_equal(pol_report_decisive_count(f->rep, 0, 0), 0);
  const char *t = pol_report_render(f->rep, POL_FORMAT_TEXT, 0);
  assert_non_null(strstr(t, "missing: x.y (not disclosed"));
  t = pol_report_render(f->rep, POL_FORMAT_QUESTIONS_JSON, 0);
  assert_non_null(strstr(t, "\"fact\":\"x.y\""));
  p->rules[0].require_at = keep;
}

/* The residuals of a saved policy are its source's. */
static void saved(void **state) {
  fixture *f = *state;
  check(f, "let lim = 7\nmust a: x.all(v, v.n >= lim)\n",
        "{\"x\": [{\"n\": 9}, {}]}");
  void *buf;
  size_t len;
  pol_policy *back;
  pol_report *rep;
  assert_pol_ok(f, pol_policy_save(f->pol, &buf, &len));
  assert_pol_ok(f, pol_policy_load(f->env, buf, len, "t.polc", &back));
  free(buf);
  assert_pol_ok(f, pol_report_new(back, POL_UNKNOWN_FAIL, &rep));
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
  assert_string_equal(pol_report_residual(f->rep, 0, 0), "x[1].n >= 7");
  assert_string_equal(pol_report_residual(rep, 0, 0), "x[1].n >= 7");
  pol_report_free(rep);
  pol_policy_free(back);
}

/* Lets are found by name through an index made with the policy (and
 * with its kept trees), not by a scan per name: a residual of a rule in
 * a policy of 4,000 lets scanned them all for every name it inlined. The
 * index answers as the scan did: the last let of a name, the policy's
 * own over the prelude's. */
static void lets_found_by_index(void **state) {
  fixture *f = *state;
  sbuf src;
  sb_init(&src, NULL);
  for (int i = 0; i < 300; i++)
    sb_printf(&src, "let l%d = x%d + %d\n", i, i, i);
  sb_printf(&src, "let JP = \"XX\"\nmust a: l250 > 0 && y == JP\n");
  check(f, src.p, "{}");
  assert_string_equal(pol_report_residual(f->rep, 0, 0),
                      "x250 + 250 > 0 && y == \"XX\"");
  const policy *p = (const policy *)f->pol;
  assert_int_equal(p->let_ids.n, p->nlets); /* every name, once */
  int64_t jp = policy_let_find(p, "JP");
  assert_true(jp >= 0);
  for (uint32_t i = (uint32_t)jp + 1; i < p->nlets; i++)
    assert_string_not_equal(p->lets[i].name, "JP");
  assert_int_equal(policy_let_find(p, "l7"), policy_let_find(p, "l6") + 1);
  assert_int_equal(policy_let_find(p, "nope"), -1);

  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags = POL_KEEP_SOURCE;
  pol_env *env;
  pol_policy *kept;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  assert_int_equal(pol_policy_compile(env, src.p, src.len, "t.pol", &kept),
                   POL_OK);
  const policy_source *ps = ((const policy *)kept)->src;
  assert_non_null(ps);
  assert_true(ps->let_ids.slots != NULL);
  const policy_stmt *let = policy_source_let(ps, "JP");
  assert_non_null(let);
  assert_false(let->prelude);
  assert_string_equal(policy_source_let(ps, "l42")->n->name, "l42");
  assert_null(policy_source_let(ps, "nope"));
  pol_policy_free(kept);
  pol_env_free(env);
  sb_free(&src);
}

/* A residual takes a rule apart compiling and running each piece about
 * once. && and || are combined from their sides, and an operator whose
 * run ended in a missing fact, with a value for its other operand, is
 * not run again: before, a chain of 200 conjuncts ran each of its 200
 * levels whole (its code outgrew RESIDUAL_CODE_MAX, so each vendor
 * compiled it again), and a chain of lets, inlined into ((x + 1) + 1) +
 * ..., each level down to the depth limit, each run compiling all that
 * lay below. */
static void chains_run_once(void **state) {
  fixture *f = *state;
  enum { N = 200, LETS = 1000 };
  sbuf src, json;
  sb_init(&src, NULL);
  sb_init(&json, NULL);
  sb_puts(&src, "must a: x0 > 0");
  for (int i = 1; i < N; i++)
    sb_printf(&src, " && x%d > %d", i, i);
  sb_puts(&src, "\nlet l0 = y\n");
  for (int i = 1; i < LETS; i++)
    sb_printf(&src, "let l%d = l%d + 1\n", i, i - 1);
  sb_printf(&src, "must b: l%d > 5000\n", LETS - 1);
  sb_puts(&json, "{");
  for (int i = 0; i < N; i++)
    if (i != 150)
      sb_printf(&json, "%s\"x%d\": %d", i ? ", " : "", i, i + 1);
  sb_puts(&json, "}");
  check(f, src.p, json.p);
  assert_string_equal(pol_report_residual(f->rep, 0, 0), "x150 > 150");
  const char *b = pol_report_residual(f->rep, 0, 1);
  assert_non_null(b);
  assert_int_equal(strncmp(b, "y + 1 + 1 + 1", 13), 0);
  assert_non_null(strstr(b, " > 5000"));
  const report *r = (const report *)f->rep;
  assert_non_null(r->rctx);
  /* 2,800 words of pieces compiled; 794,275 before */
  assert_true(r->rctx->words < 10 * (N + LETS));
  sb_free(&src);
  sb_free(&json);
}

/* A residual naming many facts keeps each that lies below no other, in
 * the order first named, looking each up by hash: before, each path was
 * compared with every one kept so far, N² for N facts (a nested all()
 * over 100 x 100 items missing their field: 10,000 decisive facts and
 * 0.5 s; 200 x 200, 8.7 s). Items 3 and 7 lack their whole list, which
 * answers for everything below it. */
static void many_decisive_facts(void **state) {
  fixture *f = *state;
  enum { N = 100 };
  sbuf json;
  sb_init(&json, NULL);
  sb_puts(&json, "{\"items\": [");
  for (int i = 0; i < N; i++) {
    sb_puts(&json, i ? ", {" : "{");
    if (i != 3 && i != 7) {
      sb_puts(&json, "\"subs\": [");
      for (int j = 0; j < N; j++)
        sb_printf(&json, "%s{\"y\": %d}", j ? ", " : "", j);
      sb_puts(&json, "]");
    }
    sb_puts(&json, "}");
  }
  sb_puts(&json, "]}");
  check(f, "must a: items.all(i, i.subs.all(s, s.x > 0))\n"
           "must b: items.all(i, i.subs.all(s, s.x > 0) && i.subs.size() > 0)\n",
        json.p);
  for (size_t r = 0; r < 2; r++) {
    size_t n = pol_report_decisive_count(f->rep, 0, r);
    assert_int_equal(n, (N - 2) * N + 2);
    assert_string_equal(pol_report_decisive_path(f->rep, 0, r, 0),
                        "items[0].subs[0].x");
    assert_string_equal(pol_report_decisive_path(f->rep, 0, r, 3 * N),
                        "items[3].subs");
    assert_string_equal(pol_report_decisive_path(f->rep, 0, r, n - 1),
                        "items[99].subs[99].x");
  }
  const report *rp = (const report *)f->rep;
  /* 67,940 paths compared for 19,604 named; before, some 96 million */
  assert_true(rp->rctx->fact_probes < 20 * 2 * N * N);
  sb_free(&json);
}

/* A macro over more than RESIDUAL_ITEMS_MAX items stays whole in the
 * residual, and named none of its items' facts: the rule was UNKNOWN
 * with no decisive fact, and the questions said that every fact needed
 * was disclosed. The missing facts the check found are decisive now,
 * after those the residual names. */
static void long_range_asks(void **state) {
  fixture *f = *state;
  enum { N = RESIDUAL_ITEMS_MAX + 1 };
  sbuf json;
  sb_init(&json, NULL);
  sb_puts(&json, "{\"$withheld\": [\"items[1000].v\"], \"items\": [");
  for (int i = 0; i < N - 1; i++)
    sb_printf(&json, "{\"v\": %d}, ", i);
  sb_puts(&json, "{\"w\": 1}]}");
  check(f, "must a: items.all(i, i.v >= 0)\n"
           "must b: x > 1 && items.all(i, i.v >= 0)\n",
        json.p);
  assert_string_equal(pol_report_residual(f->rep, 0, 0),
                      "items.all(i, i.v >= 0)");
  assert_int_equal(pol_report_decisive_count(f->rep, 0, 0), 1);
  assert_string_equal(pol_report_decisive_path(f->rep, 0, 0, 0),
                      "items[1000].v");
  assert_true(pol_report_decisive_withheld(f->rep, 0, 0, 0));
  assert_int_equal(pol_report_decisive_count(f->rep, 0, 1), 2);
  assert_string_equal(pol_report_decisive_path(f->rep, 0, 1, 0), "x");
  assert_string_equal(pol_report_decisive_path(f->rep, 0, 1, 1),
                      "items[1000].v");
  const char *q = pol_report_render(f->rep, pol_format_find("questions"), 0);
  assert_non_null(q);
  assert_null(strstr(q, "every fact"));
  sb_free(&json);
}

/* Nested macros look at most RESIDUAL_RULE_ITEMS_MAX items one by one
 * between them, then stay whole: three all()s over 40 items, each item
 * without the field the innermost reads, made a residual of 64,000
 * items (2,067,194 bytes; over 100 items 32 MB and 1.4 GB to make it).
 * Every item's missing field is still a decisive fact. */
static void nested_residual_bounded(void **state) {
  fixture *f = *state;
  enum { N = 40 };
  sbuf json;
  sb_init(&json, NULL);
  sb_puts(&json, "{\"items\": [");
  for (int i = 0; i < N; i++)
    sb_printf(&json, "%s{\"v\": %d}", i ? ", " : "", i);
  sb_puts(&json, "]}");
  check(f, "must a: items.all(a, items.all(b, items.all(c, "
           "c.nope + b.v + a.v >= 0)))\n", json.p);
  const char *r = pol_report_residual(f->rep, 0, 0);
  assert_non_null(r);
  assert_true(strlen(r) < 40 * RESIDUAL_RULE_ITEMS_MAX);
  assert_int_equal(pol_report_decisive_count(f->rep, 0, 0), N);
  assert_string_equal(pol_report_decisive_path(f->rep, 0, 0, N - 1),
                      "items[39].nope");
  sb_free(&json);
}

static int sink(void *user, const char *data, size_t len) {
  sbuf *b = user;
  sb_put(b, data, len);
  return 0;
}

/* The questions follow the writer's language; another is refused. */
static void writer_lang(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{}");
  sbuf out;
  sb_init(&out, NULL);
  pol_writer *w = NULL;
  pol_writer_options o;
  pol_writer_options_init(&o);
  o.format = POL_FORMAT_QUESTIONS_JSON;
  o.lang = "fr";
  assert_int_equal(pol_writer_open(f->pol, &o, sink, &out, &w), POL_EINVAL);
  o.lang = "en";
  assert_pol_ok(f, pol_writer_open(f->pol, &o, sink, &out, &w));
  assert_pol_ok(f, pol_writer_add(w, f->rep));
  assert_pol_ok(f, pol_writer_finish(w));
  pol_writer_free(w);
  assert_non_null(strstr(out.p, "\"lang\": \"en\""));
  sb_free(&out);
}

/* [assignment] fails with [rc] and a message holding [msg]. */
static void assume_fails(fixture *f, const char *assignment, int rc,
                         const char *msg) {
  assert_int_equal(pol_facts_assume(f->facts, assignment), rc);
  if (!strstr(pol_facts_errmsg(f->facts), msg))
    fail_msg("%s: got '%s'", assignment, pol_facts_errmsg(f->facts));
}

static void assume_errors(void **state) {
  fixture *f = *state;
  const char *json = "{\"l\": [1], \"b\": true}";
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  assume_fails(f, "x", POL_EFORMAT, "x: column 2: expected PATH=VALUE");
  assume_fails(f, "=1", POL_EFORMAT, "column 1: not a fact path");
  assume_fails(f, "a.?b=1", POL_EFORMAT, "column 4: not a fact path");
  assume_fails(f, "f(x)=1", POL_EFORMAT, "not a fact path");
  assume_fails(f, "a=", POL_EFORMAT, "column 3: the value is not a CEL");
  assume_fails(f, "a=JP", POL_EFORMAT, "column 3: the value must be a "
               "literal");
  assume_fails(f, "a=1/0", POL_EFORMAT, "the value is an error: division");
  assume_fails(f, "b.c=1", POL_EINVAL, "column 3: cannot go into a value of type bool");
  assume_fails(f, "l[3]=1", POL_EINVAL, "the list has 1 item");
  assume_fails(f, "m[0]=1", POL_EINVAL, "the fact is absent");
  /* $vendor is the document's identity, which waivers match by name */
  assume_fails(f, "$vendor.name=\"Evil\"", POL_EINVAL,
               "column 1: $vendor says which document");
  assume_fails(f, "$vendor={\"date\": \"2026-01-01\"}", POL_EINVAL,
               "cannot be assumed");
  assert_int_equal(pol_facts_assume(NULL, "a=1"), POL_EINVAL);
  assert_int_equal(pol_facts_assume(f->facts, NULL), POL_EINVAL);
  /* a failed assumption leaves the set as it was */
  assert_null(pol_facts_get(f->facts, "$assumed"));
  assert_null(pol_facts_get(f->facts, "a"));
}

/* The JSON of each of [names] in [facts], one after another. */
static void facts_json(fixture *f, pol_facts *facts, const char *const *names,
                       sbuf *out) {
  for (size_t i = 0; names[i]; i++) {
    const pol_value *v = pol_facts_get(facts, names[i]);
    const char *j = v ? pol_value_json(f->ctx, v, 0) : "absent";
    sb_printf(out, "%s=%s\n", names[i], j ? j : "?");
  }
}

/* pol_facts_assume_all makes what the same assignments made one by one
 * make, in order: the last of a path wins, a path goes into a map an
 * earlier one made, list items change in place, $withheld loses what is
 * answered and $assumed lists every path in order. */
static void assume_all_is_assume_in_order(void **state) {
  fixture *f = *state;
  static const char *const json =
      "{\"a\": {\"b\": 1, \"c\": [1, {\"d\": 2}]}, \"k\": 0, "
      "\"$withheld\": [\"a.b\", \"a.c[1].d\", \"z\", \"zz\", \"a\"]}";
  static const char *const items[] = {
      "x.y=7", "x.z=\"JP\"", "a.c[1].d=3", "a.c[0]=[1, 2]", "k=true",
      "x.y=8", "m[\"a=b\"]={\"p\": 1}", "m[\"a=b\"].q=2", "z=null",
      "a.b=-1"};
  static const char *const names[] = {"a", "k", "x", "m", "z", "$withheld",
                                      "$assumed", NULL};
  size_t n = sizeof items / sizeof items[0];
  pol_facts *one = NULL, *all = NULL;
  assert_pol_ok(f, pol_facts_new(f->env, &one));
  assert_pol_ok(f, pol_facts_new(f->env, &all));
  assert_pol_ok(f, pol_facts_load_json(one, json, strlen(json), "v"));
  assert_pol_ok(f, pol_facts_load_json(all, json, strlen(json), "v"));
  for (size_t i = 0; i < n; i++)
    assert_int_equal(pol_facts_assume(one, items[i]), POL_OK);
  size_t failed = 99;
  if (pol_facts_assume_all(all, items, n, &failed) != POL_OK)
    fail_msg("%zu: %s", failed, pol_facts_errmsg(all));
  assert_int_equal(failed, 0);
  sbuf a, b;
  sb_init(&a, NULL);
  sb_init(&b, NULL);
  facts_json(f, one, names, &a);
  facts_json(f, all, names, &b);
  assert_string_equal(a.p, b.p);
  assert_non_null(strstr(b.p, "x={\"y\":8,\"z\":\"JP\"}"));
  if (!strstr(b.p, "$withheld=[\"zz\",\"a\"]")) /* a.b is under a */
    fail_msg("%s", b.p);
  sb_free(&a);
  sb_free(&b);
  pol_facts_free(one);
  pol_facts_free(all);
}

/* All or nothing: the third of three fails, nothing is set, the index
 * and message are the third's; a NULL one is refused the same way. */
static void assume_all_fails_whole(void **state) {
  fixture *f = *state;
  const char *json = "{\"l\": [1], \"b\": true}";
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  const char *todo[] = {"a=1", "c.d=2", "l[3]=1"};
  size_t failed = 0;
  assert_int_equal(pol_facts_assume_all(f->facts, todo, 3, &failed),
                   POL_EINVAL);
  assert_int_equal(failed, 2);
  assert_non_null(strstr(pol_facts_errmsg(f->facts),
                         "l[3]=1: column 3: no such item: the list has 1 "
                         "item"));
  assert_null(pol_facts_get(f->facts, "a"));
  assert_null(pol_facts_get(f->facts, "c"));
  assert_null(pol_facts_get(f->facts, "$assumed"));
  todo[1] = NULL;
  assert_int_equal(pol_facts_assume_all(f->facts, todo, 3, &failed),
                   POL_EINVAL);
  assert_int_equal(failed, 1);
  assert_null(pol_facts_get(f->facts, "a"));
  assert_int_equal(pol_facts_assume_all(f->facts, NULL, 0, NULL), POL_OK);
  assert_int_equal(pol_facts_assume_all(NULL, todo, 1, NULL), POL_EINVAL);
  /* the one that fails on a string is told it is no list */
  todo[0] = "b[0]=1";
  assert_int_equal(pol_facts_assume_all(f->facts, todo, 1, NULL),
                   POL_EINVAL);
  assert_non_null(strstr(pol_facts_errmsg(f->facts),
                         "no list to take an item of here: it is a bool"));
}

static void assume_sets(void **state) {
  fixture *f = *state;
  check(f, POLICY, "{\"x\": {}, \"$withheld\": [\"p\", \"x.y\", \"pq\"]}");
  const pol_value *before = pol_facts_get(f->facts, "x");
  assert_pol_ok(f, pol_facts_assume(f->facts, "x.y=7"));
  assert_pol_ok(f, pol_facts_assume(f->facts, "p=true"));
  assert_pol_ok(f, pol_facts_assume(f->facts, "s[\"a=b\"]=\"=\""));
  /* values read before stay valid, and are the old ones */
  assert_int_equal(pol_value_len(before), 0);
  const pol_value *w = pol_facts_get(f->facts, "$withheld");
  assert_int_equal(pol_value_len(w), 1); /* "pq" is no path under "p" */
  assert_int_equal(pol_value_len(pol_facts_get(f->facts, "$assumed")), 3);
  assert_string_equal(pol_value_str(pol_value_get(pol_facts_get(
                          f->facts, "s"), "a=b"), NULL), "=");
  pol_report_reset(f->rep);
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 0, 0), "PASS");
  assert_string_equal(pol_report_verdict(f->rep, 0, 2), "PASS");
  const char *t = pol_report_render(f->rep, POL_FORMAT_JSON, 0);
  assert_non_null(strstr(t, "\"verdict\":\"PASS\",\"was\":\"UNKNOWN\""));
  assert_non_null(strstr(t, "\"value\":7,\"assumed\":true"));
  /* loading forgets every assumption */
  assert_pol_ok(f, pol_facts_load_json(f->facts, "{}", 2, "v"));
  assert_null(pol_facts_get(f->facts, "$assumed"));
  pol_report_reset(f->rep);
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  t = pol_report_render(f->rep, POL_FORMAT_JSON, 0);
  assert_null(strstr(t, "\"was\""));
}

/* has() through a missing fact is a presence test that found nothing:
 * it shows among the facts read, and is no missing fact of the rule. */
static void has_trace(void **state) {
  fixture *f = *state;
  check(f, "must r: has(a.b) ? true : c\nmust s: !has(top)\n", "{}");
  assert_string_equal(pol_report_verdict(f->rep, 0, 0), "UNKNOWN");
  assert_int_equal(pol_report_missing_count(f->rep, 0, 0), 1);
  assert_string_equal(pol_report_missing_path(f->rep, 0, 0, 0), "c");
  assert_string_equal(pol_report_residual(f->rep, 0, 0), "c");
  assert_string_equal(pol_report_verdict(f->rep, 0, 1), "PASS");
  pol_report_free(f->rep);
  pol_policy_free(f->pol);
  f->rep = NULL;
  f->pol = NULL;
  check(f, "must r: has(a.b) ? true : c\n", "{\"a\": {}}");
  assert_int_equal(pol_report_fact_count(f->rep, 0, 0), 1);
  assert_string_equal(pol_report_fact_path(f->rep, 0, 0, 0), "a.b");
  assert_null(pol_report_fact_value(f->rep, 0, 0, 0));
}

/* The residuals of [rule] over each of [vendors] into [out] (joined
 * with their decisive paths), checked one after another with [rep]:
 * NULL, a new report for each vendor. */
static void residuals_of(fixture *f, pol_report *rep,
                         const char *const *vendors, size_t n,
                         char out[][160]) {
  for (size_t v = 0; v < n; v++) {
    pol_report *r = rep;
    if (!r)
      assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &r));
    assert_pol_ok(f, pol_facts_load_json(f->facts, vendors[v],
                                         strlen(vendors[v]), "v"));
    assert_pol_ok(f, pol_check(f->ctx, r, f->facts, "v"));
    const char *res = pol_report_residual(r, 0, 0);
    const char *fact = pol_report_decisive_path(r, 0, 0, 0);
    snprintf(out[v], 160, "%s | %s", res ? res : "-", fact ? fact : "-");
    if (rep)
      pol_report_reset(rep);
    else
      pol_report_free(r);
  }
}

/* Compile [src]; the residuals of [vendors] checked one after another
 * into one report, into [stream], must be what each gives alone. */
static void stream_as_alone(fixture *f, const char *src,
                            const char *const *vendors, size_t n,
                            char (*stream)[160]) {
  char alone[8][160];
  assert_true(n <= 8);
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "t.pol",
                                      &f->pol));
  assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &f->rep));
  residuals_of(f, f->rep, vendors, n, stream);
  residuals_of(f, NULL, vendors, n, alone);
  for (size_t v = 0; v < n; v++)
    assert_string_equal(stream[v], alone[v]);
}

/* What a report keeps of the rule's tree and of the pieces its macros
 * make (residual.c) gives each vendor of a stream what it gives the
 * vendor alone: pieces alike but for a literal's value (0.0 and -0.0
 * too) or an item's index are not taken for one another. */
static void kept_across_vendors(void **state) {
  fixture *f = *state;
  static const char src[] =
      "must r: ds.all(d, 1.0 / d > 0.0 || w.m) && ys.all(y, y > 1 || w.v)\n";
  static const char *const vendors[] = {
      "{\"ds\": [0.0, -0.0], \"ys\": [0, 5]}",
      "{\"ds\": [-0.0, 0.0], \"ys\": [5, 0]}",
      "{\"ds\": [0.0], \"ys\": [0], \"w\": {}}",
      "{\"ds\": [-0.0], \"ys\": [0], \"w\": {\"m\": true}}",
      "{\"ds\": [0.0, -0.0], \"ys\": [0, 5]}",
  };
  enum { N = POL_COUNTOF(vendors) };
  char stream[N][160];
  stream_as_alone(f, src, vendors, N, stream);
  assert_string_equal(stream[0], "w.m && w.v | w.m");
  assert_string_equal(stream[1], "w.m && w.v | w.m");
  assert_string_equal(stream[2], "w.v | w.v");
  assert_string_equal(stream[3], "w.v | w.v");
  assert_string_equal(stream[4], stream[0]);
}

/* The paths a partial evaluation has read are remembered by node
 * (residual.c, quick_path): more paths than it remembers at once, each
 * named in several pieces, present for one vendor and missing for the
 * next, give each vendor of a stream its own residual. */
static void paths_remembered_per_vendor(void **state) {
  fixture *f = *state;
  static const char src[] =
      "must r: (a.x > 1 || m.p) && (b.x > 1 || m.q) && (a.y > 1 || b.y > 1"
      " || c.x > 1 || d.x > 1 || e.x > 1 || f.x > 1 || g.x > 1 || h.x > 1"
      " || i.x > 1 || m.r)\n";
  static const char *const vendors[] = {
      "{\"a\": {\"x\": 0}, \"b\": {\"x\": 5}, \"c\": {\"x\": 0}}",
      "{\"a\": {\"x\": 5, \"y\": 0}, \"b\": {\"x\": 0}, \"i\": {\"x\": 0}}",
      "{\"a\": {\"x\": 0}, \"b\": {\"x\": 0, \"y\": 2}}",
      "{\"a\": {\"x\": 0}, \"b\": {\"x\": 5}, \"c\": {\"x\": 0}}",
  };
  enum { N = POL_COUNTOF(vendors) };
  char stream[N][160];
  stream_as_alone(f, src, vendors, N, stream);
  assert_string_equal(stream[0],
                      "m.p && (a.y > 1 || b.y > 1 || d.x > 1 || e.x > 1 || "
                      "f.x > 1 || g.x > 1 || h.x > 1 || i.x > 1 || m.r) | m.p");
  assert_string_equal(stream[1],
                      "m.q && (b.y > 1 || c.x > 1 || d.x > 1 || e.x > 1 || "
                      "f.x > 1 || g.x > 1 || h.x > 1 || m.r) | m.q");
  assert_string_equal(stream[2], "m.p && m.q | m.p");
  assert_string_equal(stream[3], stream[0]);
}

/* Everything the report says of rule [r]'s residual for vendor 0, in
 * one line. */
static void signature(pol_report *rep, size_t r, char *out, size_t cap) {
  const char *res = pol_report_residual(rep, 0, r);
  const char *when = pol_report_residual_when(rep, 0, r);
  int n = snprintf(out, cap, "%s | %s | %d |", res ? res : "-",
                   when ? when : "-", pol_report_residual_then(rep, 0, r));
  for (size_t k = 0; k < pol_report_decisive_count(rep, 0, r); k++)
    n += snprintf(out + n, cap - (size_t)n, " %s%s",
                  pol_report_decisive_path(rep, 0, r, k),
                  pol_report_decisive_withheld(rep, 0, r, k) ? "!" : "");
}

static uint64_t next_rand(uint64_t *x) { /* splitmix64: no libc rand */
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* A vendor of few facts from a small alphabet, so that vendors repeat
 * one another's values (hits) and differ in kind only (1, 1u, 1.0,
 * -0.0, "1"), in order, in presence. */
static void random_vendor(uint64_t *seed, char *out, size_t cap) {
  static const char *const vals[] = {"1", "1.0", "-0.0", "0.0", "\"1\"",
                                     "true", "false", "null", "[]",
                                     "[1, 2]", "[2, 1]", "{}",
                                     "{\"b\": 1}", "{\"b\": 1, \"c\": 2}",
                                     "{\"c\": 2, \"b\": 1}", "{\"c\": 1}",
                                     "8"};
  static const char *const names[] = {"a", "b", "w", "m", "xs"};
  size_t n = (size_t)snprintf(out, cap, "{");
  for (size_t i = 0; i < POL_COUNTOF(names); i++) {
    uint64_t r = next_rand(seed);
    if (r % 3 == 0)
      continue; /* absent */
    n += (size_t)snprintf(out + n, cap - n, "%s\"%s\": %s",
                          n > 1 ? ", " : "", names[i],
                          vals[(r >> 8) % POL_COUNTOF(vals)]);
  }
  if (next_rand(seed) % 4 == 0)
    n += (size_t)snprintf(out + n, cap - n, "%s\"$withheld\": [\"m\"]",
                          n > 1 ? ", " : "");
  snprintf(out + n, cap - n, "}");
}

/* What a report reused from vendor to vendor keeps (the trees, the
 * compiled pieces) changes nothing: 600 random vendors, rules of every
 * form, the same report throughout against a new report per vendor. */
static void reused_same_as_alone(void **state) {
  fixture *f = *state;
  static const char src[] =
      "must r1: a > 0 || m\n"
      "must r2: a == 1 ? w : m\n"
      "rule r3 {\n  when w\n  require a.b > 0 && has(a.c) || m\n}\n"
      "must r4: xs.all(x, x > 1 || m) && xs.exists(x, x == a)\n"
      "must r5: size(xs) == 2 && b in xs || w == a\n"
      "must r6: 1.0 / a > 0.0 || m || a == \"1\"\n"
      "let k = a.b + 1\n"
      "must r7: k > 1 || w.c == k\n";
  char vendor[512], fresh[512], reused[512];
  uint64_t seed = 11;
  pol_report *rep;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "t.pol",
                                      &f->pol));
  assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &rep));
  size_t nrules = pol_policy_rule_count(f->pol), compared = 0;
  for (int v = 0; v < 600; v++) {
    pol_report *alone;
    random_vendor(&seed, vendor, sizeof vendor);
    assert_pol_ok(f, pol_facts_load_json(f->facts, vendor, strlen(vendor),
                                         "v"));
    assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &alone));
    assert_pol_ok(f, pol_check(f->ctx, alone, f->facts, "v"));
    assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
    for (size_t r = 0; r < nrules; r++) {
      signature(alone, r, fresh, sizeof fresh);
      signature(rep, r, reused, sizeof reused);
      if (strcmp(fresh, reused) != 0)
        fail_msg("vendor %d %s, rule %zu: %s, alone %s", v, vendor, r,
                 reused, fresh);
      compared += pol_report_residual(rep, 0, r) != NULL;
    }
    pol_report_free(alone);
    pol_report_reset(rep);
  }
  assert_true(compared > 500); /* else the comparison proved little */
  pol_report_free(rep);
}

int main(int argc, char **argv) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(accessors),  T(detached),      T(after_reset), T(damaged_texts),
      T(saved),      T(writer_lang),   T(assume_errors), T(assume_sets),
      T(assume_all_is_assume_in_order), T(assume_all_fails_whole),
      T(has_trace),  T(kept_across_vendors), T(paths_remembered_per_vendor),
      T(reused_same_as_alone), T(lets_found_by_index), T(chains_run_once),
      T(many_decisive_facts), T(long_range_asks), T(nested_residual_bounded),
  };
  return RUN_TESTS("residual", tests, argc, argv);
}
