/*
 * test_paths.c: naming a report's facts with the containers remembered
 * (report_resolve_memo, lib/report_path.c) gives what naming each fact
 * on its own gives (report_resolve): the same path text, $evidence
 * citation, withheld and assumed marks, for facts read in nested maps
 * and lists, under keys that need quoting or are reserved words, by
 * size(), has() and missing ones, with citations at several levels; and
 * when more containers are read than the memo holds. Also the places
 * remembered per site from vendor to vendor (report_resolve_site).
 * And costs that must stay linear in a long $withheld, the questions
 * it leads to, and many waivers of one vendor (counted, not timed).
 */
#include "harness.h"

#include <stdlib.h>

#include "env_fixture.h"
#include "handles.h"
#include "out.h"
#include "questions.h"
#include "report.h"

static const char POLICY[] =
    "policy \"paths\" { title \"t\" version \"1\" }\n"
    "must a \"a\": backup.enabled && backup.generations >= 7\n"
    "must b \"b\": \"JP\" in data.location.countries\n"
    "must c \"c\": checksheet.items[\"3.2\"].answer == \"x\"\n"
    "must d \"d\": checksheet.items[\"3.2\"].note == \"n\"\n"
    "must e \"e\": size(subprocessors) > 2 && "
    "subprocessors.all(s, s.jurisdiction == \"JP\")\n"
    "must f \"f\": size(subprocessors) > 1 && "
    "subprocessors[1].jurisdiction == \"JP\"\n"
    "must g \"g\": has(company.ceo) || company[\"in\"] == 1\n"
    "must h \"h\": encryption.at_rest.enabled\n"
    "must i \"i\": withheld_part.secret.value == 1\n"
    "must j \"j\": big.all(x, x.v == 1)\n"
    "must k \"k\": size(checksheet.items) > 1 && "
    "checksheet.items[\"a b\"].answer == \"y\"\n"
    "must l \"l\": assumed_part.flag\n"
    "must m \"m\": withheld_part.secret == 1\n"
    "must n \"n\": backup.frequency == \"daily\"\n"
    "must o \"o\": odd[\"q\\\"\\\\\"].x == 1 && odd[\"\u540d\"].y == 1 && "
    "odd.z[1] == 1\n";

/* The facts: [nbig] items in big, each a container of its own. */
static char *facts_json(int nbig) {
  static const char head[] =
      "{\"backup\": {\"enabled\": true, \"generations\": 9},"
      " \"data\": {\"location\": {\"countries\": [\"US\", \"JP\"]}},"
      " \"checksheet\": {\"items\": {\"3.2\": {\"answer\": \"x\","
      " \"note\": \"n\"}, \"a b\": {\"answer\": \"y\"}}},"
      " \"subprocessors\": [{\"jurisdiction\": \"JP\"},"
      " {\"jurisdiction\": \"JP\"}, {\"jurisdiction\": \"US\"}],"
      " \"company\": {\"in\": 1},"
      " \"withheld_part\": {},"
      " \"odd\": {\"q\\\"\\\\\": {\"x\": 1}, \"\u540d\": {\"y\": 1},"
      " \"z\": [0, 1]},"
      " \"$withheld\": [\"withheld_part.secret\"],"
      " \"$evidence\": {\"backup\": \"b\", \"backup.enabled\": \"be\","
      " \"data.location.countries\": \"dlc\","
      " \"checksheet.items\": \"ci\","
      " \"checksheet.items[\\\"3.2\\\"].note\": \"note\","
      " \"subprocessors\": \"sp\", \"subprocessors[1]\": \"sp1\","
      " \"company\": \"co\", \"withheld_part\": \"wp\","
      " \"big\": \"bg\"},"
      " \"big\": [";
  size_t cap = sizeof head + (size_t)nbig * 16 + 64;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t n = (size_t)snprintf(s, cap, "%s", head);
  for (int i = 0; i < nbig; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s{\"v\": 1}", i ? "," : "");
  snprintf(s + n, cap - n, "]}");
  return s;
}

/* A path marked plain (fact_ref's path_plain) is one a JSON string
 * holds as it is: escaping it, or the part of it that its citation is
 * of, changes nothing. *[nplain] counts them. */
/* [b], named by a faster way, says what [a], named the plain way, does:
 * its path, its citation and whether it is withheld or assumed. */
static void assert_same_fact(const fact_ref *a, const fact_ref *b) {
  assert_string_equal(a->path, b->path);
  assert_true(a->evidence == b->evidence);
  if (a->evidence)
    assert_int_equal(a->ev_len, b->ev_len);
  assert_int_equal(a->ev_off, b->ev_off);
  assert_int_equal(a->withheld, b->withheld);
  assert_int_equal(a->assumed, b->assumed);
}

static void check_plain(const fact_ref *f, int *nplain) {
  if (!f->path_plain)
    return;
  sbuf b;
  sb_init(&b, NULL);
  out_json_str(&b, f->path);
  assert_int_equal(b.len, strlen(f->path) + 2);
  assert_memory_equal(b.p + 1, f->path, b.len - 2);
  sb_reset(&b); /* and the part its citation is of (render_json.c) */
  out_json_span(&b, f->path + f->ev_off, f->ev_len);
  assert_int_equal(b.len, f->ev_len + 2);
  assert_memory_equal(b.p + 1, f->path + f->ev_off, f->ev_len);
  sb_free(&b);
  (*nplain)++;
}

/* Each fact of vendor 0 of [rep], unresolved, named both ways. */
static int compare_all(pol_report *rep) {
  report *r = &rep->r;
  const vendor_result *vr = &r->vendors[0];
  path_memo *m = malloc(sizeof *m);
  assert_non_null(m);
  report_memo_init(m, vr);
  int n = 0, nplain = 0;
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    for (int missing = 0; missing < 2; missing++) {
      uint32_t nf;
      fact_ref *f = report_refs(r, vr, i, missing, &nf);
      for (uint32_t k = 0; k < nf; k++, n++) {
        fact_ref a = f[k], b = f[k];
        a.resolved = b.resolved = false;
        assert_true(report_resolve(r, vr, &a));
        assert_true(report_resolve_memo(r, vr, &b, m));
        assert_same_fact(&a, &b);
        check_plain(&b, &nplain);
      }
    }
  free(m);
  assert_true(nplain > 0 && nplain < n); /* both kinds were named */
  return n;
}

/* POLICY, then a rule reading big[i] for each i below [nbig]: a fact in
 * a container of its own each. */
static char *policy_text(int nbig) {
  size_t cap = sizeof POLICY + (size_t)nbig * 48;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t n = (size_t)snprintf(s, cap, "%s", POLICY);
  for (int i = 0; i < nbig; i++)
    n += (size_t)snprintf(s + n, cap - n,
                          "must big%d \"b\": big[%d].v == 1\n", i, i);
  return s;
}

/* A policy compiled, one vendor loaded (and an assumption made on it,
 * when [assume] is not NULL) and checked into a new report: what most
 * tests here read. checked_free() frees the three. */
typedef struct checked {
  pol_policy *pol;
  pol_facts *facts;
  pol_report *rep;
} checked;

static checked check_one(env_fixture *fx, const char *src, const char *file,
                         const char *json, const char *assume) {
  checked c = {NULL, NULL, NULL};
  assert_pol_ok(fx, pol_policy_compile(fx->env, src, strlen(src), file,
                                       &c.pol));
  assert_pol_ok(fx, pol_facts_new(fx->env, &c.facts));
  assert_int_equal(pol_facts_load_json(c.facts, json, strlen(json),
                                       "v.json"), POL_OK);
  if (assume)
    assert_int_equal(pol_facts_assume(c.facts, assume), POL_OK);
  assert_pol_ok(fx, pol_report_new(c.pol, POL_UNKNOWN_FAIL, &c.rep));
  assert_pol_ok(fx, pol_check(fx->ctx, c.rep, c.facts, "v.json"));
  return c;
}

static void checked_free(checked *c) {
  pol_report_free(c->rep);
  pol_facts_free(c->facts);
  pol_policy_free(c->pol);
}

static int check_and_compare(env_fixture *fx, int nbig, bool assume) {
  char *json = facts_json(nbig), *src = policy_text(nbig);
  checked c = check_one(fx, src, "paths.pol", json,
                        assume ? "assumed_part.flag=true" : NULL);
  int n = compare_all(c.rep);
  checked_free(&c);
  free(json);
  free(src);
  return n;
}

static void memo_names_facts_as_alone(void **state) {
  int n = check_and_compare(*state, 3, false);
  assert_true(n >= 20); /* the policy read them: the test tests */
}

static void memo_with_assumptions(void **state) {
  check_and_compare(*state, 3, true);
}

/* More containers than the memo's slots: the rest are named alone. */
static void memo_full(void **state) {
  int n = check_and_compare(*state, PATH_MEMO_SLOTS + 40, false);
  assert_true(n >= PATH_MEMO_SLOTS + 40);
}

/* A quantifier decided once per item of a long list (an exists inside
 * an all): each read inside a deciding item is marked decided, and
 * finding the deciders costs a few set lookups per read (the read's
 * place and the containers above it), not one per decider: with N
 * items, 3N reads and N deciders, a pairwise test would take 3N * N. */
static void many_deciders_linear(void **state) {
  env_fixture *fx = *state;
  enum { N = 4000 }; /* about 7 trace records an item: under the VM's
                        VM_TRACE_READS, so that every item's reads are
                        reported (past it, a deciding item is shown
                        whole: test_trace_cap) */
  static const char item[] = "{\"ys\": [{\"v\": 0}, {\"v\": 1}]}";
  size_t cap = 16 + N * (sizeof item + 2); /* ", " between items */
  char *json = malloc(cap);
  assert_non_null(json);
  size_t n = (size_t)snprintf(json, cap, "{\"xs\": [");
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(json + n, cap - n, "%s%s", i ? ", " : "", item);
  snprintf(json + n, cap - n, "]}");
  static const char src[] =
      "must d \"d\": xs.all(x, x.ys.exists(y, y.v == 1))\n";
  checked c = check_one(fx, src, "d.pol", json, NULL);
  pol_report *rep = c.rep;
  assert_int_equal(pol_report_status(rep, 0, 0), POL_OK);
  size_t nf = pol_report_fact_count(rep, 0, 0), ndecided = 0;
  for (size_t k = 0; k < nf; k++)
    if (pol_report_fact_decided(rep, 0, 0, k)) {
      ndecided++;
      char want[64];
      snprintf(want, sizeof want, "xs[%zu].ys[1].v", ndecided - 1);
      assert_string_equal(pol_report_fact_path(rep, 0, 0, k), want);
    }
  assert_int_equal(ndecided, N);      /* every ys[1].v, and nothing else */
  assert_int_equal(nf, N + 8);        /* and the first 8 other reads */
  assert_true(rep->r.decider_steps >= 3 * (uint64_t)N);
  assert_true(rep->r.decider_steps <= 16 * (uint64_t)N);
  checked_free(&c);
  free(json);
}

/* ==== places remembered per site, across vendors ======================== */

static uint64_t next_rand(uint64_t *x) { /* splitmix64: no libc rand */
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static const char *pick(uint64_t *seed, const char *const *v, size_t n) {
  return v[next_rand(seed) % n];
}

/* A vendor whose places at each rule's sites vary: lists of other
 * lengths, keys alike but for a byte or a length ("k1", "k2", "k1x",
 * "k 2", reserved words, an int-like key), maps in other orders,
 * citations at other levels. */
static size_t site_vendor(uint64_t *seed, char *out, size_t cap) {
  static const char *const keys[] = {"\"k1\"", "\"k2\"", "\"k1x\"",
                                     "\"k 2\"", "\"in\"", "\"1\""};
  static const char *const ev[] = {
      "\"subs\": \"s\"", "\"subs[1]\": \"s1\"", "\"subs[0].j\": \"s0j\"",
      "\"items\": \"i\"", "\"items.k1\": \"ik\"", "\"items.k1.x\": \"ikx\"",
      "\"items[\\\"k 2\\\"]\": \"ik2\"", "\"m\": \"m\"", "\"xs[1]\": \"x1\""};
  size_t n = (size_t)snprintf(out, cap, "{\"subs\": [");
  for (uint64_t i = 0, k = next_rand(seed) % 4; i < k; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s{\"j\": %s}", i ? ", " : "",
                          next_rand(seed) % 3 ? "\"JP\"" : "\"US\"");
  n += (size_t)snprintf(out + n, cap - n, "], \"items\": {");
  for (uint64_t i = 0, k = 1 + next_rand(seed) % 3; i < k; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s%s: {\"x\": %d}",
                          i ? ", " : "", pick(seed, keys, 6),
                          (int)(next_rand(seed) % 2));
  n += (size_t)snprintf(out + n, cap - n, "}, \"m\": {%s: 1, %s: 2}",
                        pick(seed, keys, 3), pick(seed, keys + 3, 3));
  n += (size_t)snprintf(out + n, cap - n,
                        ", \"ys\": [1, 2, 3], \"xs\": [%d, %d]",
                        (int)(next_rand(seed) % 2), 1);
  n += (size_t)snprintf(out + n, cap - n, ", \"$evidence\": {%s, %s}}",
                        pick(seed, ev, 9), pick(seed, ev, 9));
  return n;
}

/* Each fact of vendor 0 of [rep] named with its site, as report_resolve
 * and report_resolve_memo name it; the count named. */
static int compare_sites(pol_report *rep) {
  report *r = &rep->r;
  const vendor_result *vr = &r->vendors[0];
  path_memo *m = malloc(sizeof *m), *m2 = malloc(sizeof *m2);
  assert_true(m && m2);
  report_memo_init(m, vr);
  report_memo_init(m2, vr);
  int n = 0;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    uint32_t nf;
    fact_ref *f = report_refs(r, vr, i, false, &nf);
    for (uint32_t k = 0; k < nf && k < REPORT_SITES_PER_RULE; k++, n++) {
      fact_ref a = f[k], b = f[k], c = f[k];
      a.resolved = b.resolved = c.resolved = false;
      assert_true(report_resolve(r, vr, &a));
      assert_true(report_resolve_site(r, vr, &b,  m,
                                      i * REPORT_SITES_PER_RULE + k));
      assert_true(report_resolve_memo(r, vr, &c, m2));
      assert_same_fact(&a, &b);
      assert_int_equal(b.path_plain, c.path_plain);
    }
  }
  free(m);
  free(m2);
  return n;
}

/* One report over 400 vendors whose places at a site change: each fact
 * named with the place its site remembers is named as alone. */
static void sites_across_vendors(void **state) {
  env_fixture *fx = *state;
  static const char src[] =
      "must a: subs.all(s, s.j == \"JP\")\n"
      "must b: size(subs) > 1 && subs[1].j == \"JP\"\n"
      "must c: items.all(k, items[k].x == 1)\n"
      "must d: items.exists(k, k == \"k1\" && items.k1.x == 1)\n"
      "must e: m.all(k, m[k] > 0) && size(items) > 0\n"
      "must f: xs[0] == 1 || xs[1] == 1\n"
      "must g: ys[size(subs) % 3] > 1\n";
  static char json[2048];
  pol_policy *pol = NULL;
  pol_facts *facts = NULL;
  pol_report *rep = NULL;
  uint64_t seed = 5;
  int named = 0;
  assert_pol_ok(fx, pol_policy_compile(fx->env, src, strlen(src), "s.pol",
                                       &pol));
  assert_pol_ok(fx, pol_facts_new(fx->env, &facts));
  assert_pol_ok(fx, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  for (int v = 0; v < 400; v++) {
    size_t n = site_vendor(&seed, json, sizeof json);
    assert_int_equal(pol_facts_load_json(facts, json, n, "v.json"), POL_OK);
    if (v % 7 == 3)
      assert_int_equal(pol_facts_assume(facts, "xs=[1, 1]"), POL_OK);
    assert_pol_ok(fx, pol_check(fx->ctx, rep, facts, "v.json"));
    named += compare_sites(rep);
    pol_report_reset(rep);
  }
  size_t known, bytes, resets, hits;
  report_sites_info(&rep->r, &known, &bytes, &resets, &hits);
  assert_true(named > 4000);
  assert_true(known >= 12);  /* sites were remembered */
  assert_true(hits >= 1500); /* and used: the test tests */
  assert_true(bytes <= REPORT_SITES_BYTES + 4096);
  pol_report_free(rep);
  pol_facts_free(facts);
  pol_policy_free(pol);
}

/* The places kept stay within REPORT_SITES_BYTES: sites whose keys are
 * new for each vendor (long ones), 2,000 vendors. */
static void sites_bounded(void **state) {
  env_fixture *fx = *state;
  static const char src[] = "must a: m.all(k, m[k] > 0)\n";
  static char json[1024];
  pol_policy *pol = NULL;
  pol_facts *facts = NULL;
  pol_report *rep = NULL;
  size_t known, bytes, resets, hits, max_bytes = 0;
  assert_pol_ok(fx, pol_policy_compile(fx->env, src, strlen(src), "s.pol",
                                       &pol));
  assert_pol_ok(fx, pol_facts_new(fx->env, &facts));
  assert_pol_ok(fx, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  for (int v = 0; v < 2000; v++) {
    size_t n = 0;
    n += (size_t)snprintf(json, sizeof json, "{\"m\": {");
    for (int k = 0; k < 8; k++)
      n += (size_t)snprintf(json + n, sizeof json - n, "%s\"%0100d\": 1",
                            k ? ", " : "", v * 8 + k);
    snprintf(json + n, sizeof json - n, "}}");
    assert_int_equal(pol_facts_load_json(facts, json, strlen(json), "v"),
                     POL_OK);
    assert_pol_ok(fx, pol_check(fx->ctx, rep, facts, "v"));
    compare_sites(rep);
    report_sites_info(&rep->r, &known, &bytes, &resets, &hits);
    max_bytes = bytes > max_bytes ? bytes : max_bytes;
    pol_report_reset(rep);
  }
  assert_true(max_bytes <= REPORT_SITES_BYTES + 4096);
  assert_true(resets >= 2); /* the bound was reached, and kept */
  pol_report_free(rep);
  pol_facts_free(facts);
  pol_policy_free(pol);
}

/* ==== a long $withheld, and the questions it leads to =================== */

/* [n] rules, rule i reading w<i>.x.y (under the withheld w<i>.x) and
 * z<i> (missing, not withheld), over a vendor withholding w0.x ...
 * w<n-1>.x and "ab" (not above "abc"). */
static void withheld_inputs(int n, char **src, char **json) {
  size_t cap = 64 + (size_t)n * 64;
  char *p = malloc(cap), *j = malloc(cap);
  assert_non_null(p);
  assert_non_null(j);
  size_t np = 0, nj = (size_t)snprintf(j, cap, "{\"$withheld\": [\"ab\"");
  for (int i = 0; i < n; i++) {
    np += (size_t)snprintf(p + np, cap - np,
                           "must r%d \"r\": w%d.x.y >= 0 && z%d >= 0\n", i,
                           i, i);
    nj += (size_t)snprintf(j + nj, cap - nj, ", \"w%d.x\"", i);
  }
  snprintf(p + np, cap - np, "must last \"l\": abc >= 0\n");
  snprintf(j + nj, cap - nj, "]}");
  *src = p;
  *json = j;
}

/* Marking N missing facts withheld against a $withheld of N entries
 * costs a few compares a fact (an index of the entries), not N: with
 * 2,000 of each a scan took 2,000 x 4,000. So do the questions: each
 * decisive fact is found among those gathered by a lookup, and each
 * question's text among those made. */
static void many_withheld_linear(void **state) {
  env_fixture *fx = *state;
  enum { N = 2000 };
  char *src, *json;
  withheld_inputs(N, &src, &json);
  checked c = check_one(fx, src, "w.pol", json, NULL);
  pol_report *rep = c.rep;
  for (size_t r = 0; r <= N; r++) {
    size_t nm = pol_report_missing_count(rep, 0, r);
    assert_int_equal(nm, r < N ? 2 : 1);
    for (size_t k = 0; k < nm; k++) {
      const char *path = pol_report_missing_path(rep, 0, r, k);
      assert_int_equal(pol_report_missing_withheld(rep, 0, r, k),
                       path[0] == 'w'); /* not z<i>, not abc */
    }
  }
  uint64_t marks = rep->r.vendors[0].listed_compares;
  assert_true(marks >= (uint64_t)N);     /* it was counted */
  assert_true(marks <= 8 * (uint64_t)N); /* 2N + 1 facts */
  arena a;
  arena_init(&a, 0, NULL);
  qlist ql;
  assert_true(questions_build(&rep->r, &rep->r.vendors[0], LANG_EN, &a, &ql));
  /* no schema, no ask, every rule titled "r": the 2N facts of the N
   * rules get one generic sentence, so they are one question, and
   * joining them is linear too */
  assert_int_equal(ql.n, 2);
  assert_int_equal(ql.q[0].nfacts, 2 * N);
  assert_int_equal(ql.q[0].nrules, N);
  assert_true(ql.q[0].withheld);
  assert_non_null(ql.q[0].note);
  assert_int_equal(ql.q[1].nfacts, 1);
  assert_string_equal(ql.q[1].fact, "abc");
  for (uint32_t r = 1; r < ql.q[0].nrules; r++)
    assert_true(ql.q[0].rules[r - 1] < ql.q[0].rules[r]);
  assert_true(ql.compares <= 4 * (uint64_t)(2 * N + 1));
  arena_free(&a);
  checked_free(&c);
  free(src);
  free(json);
}

/* ==== many waivers of one vendor ========================================= */

/* Adding a vendor's waiver neither looks through the vendor's others for
 * a second one of its rule nor walks them to chain it: 4,000 waivers of
 * one vendor took 4,000 x 4,000 / 2 steps of each. A second waiver of a
 * rule is still refused, of the first rule and of the last, and each
 * rule is waived in the check. */
static void many_waivers_of_one_vendor(void **state) {
  env_fixture *fx = *state;
  enum { N = 4000 };
  size_t cap = (size_t)N * 40;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n, "must r%d \"r\": x > %d\n", i, i);
  pol_policy *pol = NULL;
  pol_waivers *wv = NULL;
  assert_pol_ok(fx, pol_policy_compile(fx->env, src, n, "w.pol", &pol));
  assert_int_equal(pol_waivers_new(pol, &wv), POL_OK);
  char id[32];
  pol_waiver w = POL_WAIVER_INIT;
  w.rule = id;
  w.vendor = "v";
  for (int i = 0; i < N; i++) {
    snprintf(id, sizeof id, "r%d", i);
    assert_int_equal(pol_waivers_add(wv, &w), POL_OK);
  }
  w.rule = "r0";
  assert_int_equal(pol_waivers_add(wv, &w), POL_EINVAL);
  assert_non_null(strstr(pol_waivers_errmsg(wv), "a second waiver"));
  snprintf(id, sizeof id, "r%d", N - 1);
  w.rule = id;
  assert_int_equal(pol_waivers_add(wv, &w), POL_EINVAL);
  w.vendor = "other";
  assert_int_equal(pol_waivers_add(wv, &w), POL_OK);
  assert_int_equal(pol_waivers_count(wv), N + 1);
  pol_report *rep = NULL;
  pol_facts *facts = NULL;
  static const char json[] = "{\"$vendor\": {\"name\": \"v\"}, \"x\": 0}";
  assert_pol_ok(fx, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  assert_pol_ok(fx, pol_report_set_waivers(rep, wv));
  assert_pol_ok(fx, pol_facts_new(fx->env, &facts));
  assert_int_equal(pol_facts_load_json(facts, json, strlen(json), "v.json"),
                   POL_OK);
  assert_pol_ok(fx, pol_check(fx->ctx, rep, facts, "v.json"));
  for (size_t r = 0; r < N; r++)
    assert_int_equal(pol_report_waiver(rep, 0, r), POL_WAIVER_ACTIVE);
  /* one set slot a waiver added, and a few for each refused: not N */
  assert_true(rep->r.waivers->probes <= 8 * (uint64_t)N);
  assert_true(rep->r.waivers->probes >= (uint64_t)N);
  pol_report_free(rep);
  pol_facts_free(facts);
  pol_waivers_free(wv);
  pol_policy_free(pol);
  free(src);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(memo_names_facts_as_alone, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(memo_with_assumptions, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(memo_full, env_setup, env_teardown),
      cmocka_unit_test_setup_teardown(many_deciders_linear, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(sites_across_vendors, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(sites_bounded, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(many_withheld_linear, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(many_waivers_of_one_vendor, env_setup,
                                      env_teardown),
  };
  return RUN_TESTS("paths", tests, argc, argv);
}
