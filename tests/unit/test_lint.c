/*
 * test_lint.c: unit tests of the analysis (lib/lint*.c, pol_lint): the
 * planted mistakes of tests/lint/planted.pol are each found, with
 * nothing else; every witness of every warning, there and on every
 * policy of examples/ and stdlib/, really does what the warning says
 * when the evaluator checks it (pol_check_rule); rules that can pass and
 * fail are not flagged; L104 needs the vendors; a policy without its
 * source is refused.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#include "env_fixture.h"
#include "handles.h"
#include "lint.h"
#include "pol.h"

typedef env_fixture fixture;

static pol_policy *compile(fixture *f, const char *src) {
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "t.pol",
                                      &pol));
  return pol;
}

/* Each warning's witness, checked against rule [w.rule] by the
 * evaluator, gives the verdict the warning names. */
static void witnesses_hold(fixture *f, const pol_policy *pol,
                           const pol_lints *l) {
  for (size_t i = 0; i < pol_lints_count(l); i++) {
    pol_warning w = POL_WARNING_INIT;
    assert_int_equal(pol_lints_get(l, i, &w), POL_OK);
    if (!w.witness)
      continue;
    pol_facts *facts;
    pol_report *rep;
    assert_int_equal(pol_facts_new(f->env, &facts), POL_OK);
    assert_int_equal(pol_facts_load_json(facts, w.witness, strlen(w.witness),
                                         "witness"),
                     POL_OK);
    size_t r = pol_policy_rule_find(pol, w.rule);
    assert_true(r != POL_NOT_FOUND);
    assert_int_equal(pol_report_new(pol, POL_UNKNOWN_FAIL, &rep), POL_OK);
    assert_int_equal(pol_check_rule(f->ctx, rep, facts, "w", r), POL_OK);
    if (strcmp(pol_report_verdict(rep, 0, r), w.verdict) != 0)
      fail_msg("%s:%u: [%s] witness %s gives %s, not %s", w.file, w.line,
               w.code, w.witness, pol_report_verdict(rep, 0, r), w.verdict);
    pol_report_free(rep);
    pol_facts_free(facts);
  }
}

/* The warnings of [l] as "line CODE" lines. */
static char *summary(const pol_lints *l) {
  char *s = calloc(1, 64 * pol_lints_count(l) + 1);
  for (size_t i = 0; i < pol_lints_count(l); i++) {
    pol_warning w = POL_WARNING_INIT;
    pol_lints_get(l, i, &w);
    sprintf(s + strlen(s), "%u %s\n", w.line, w.code);
  }
  return s;
}

static void planted_mistakes_are_found(void **state) {
  fixture *f = *state;
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile_file(f->env, "tests/lint/planted.pol",
                                           &pol));
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char *got = summary(l);
  assert_string_equal(got, "11 L101\n12 L101\n13 L101\n13 L102\n"
                           "16 L002\n19 L001\n21 L003\n27 L004\n33 L005\n"
                           "40 L002\n40 L006\n44 L007\n46 L008\n48 L008\n"
                           "51 L102\n54 L103\n");
  witnesses_hold(f, pol, l);
  free(got);
  pol_lints_free(l);
  pol_policy_free(pol);
}

static void witnesses_on_every_policy_hold(void **state) {
  fixture *f = *state;
  const char *dirs[] = {"examples/policies", "stdlib", "tests/policy"};
  int files = 0;
  for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
    DIR *dir = opendir(dirs[d]);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
      size_t n = strlen(e->d_name);
      char path[512];
      pol_policy *pol;
      pol_lints *l;
      if (n < 5 || strcmp(e->d_name + n - 4, ".pol") != 0)
        continue;
      snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
      assert_pol_ok(f, pol_policy_compile_file(f->env, path, &pol));
      assert_int_equal(pol_lint(pol, NULL, 0, POL_LINT_VERBOSE, &l), POL_OK);
      witnesses_hold(f, pol, l);
      pol_lints_free(l);
      pol_policy_free(pol);
      files++;
    }
    if (dir)
      closedir(dir);
  }
  assert_true(files > 20);
}

/* Rules that can pass and fail, and are UNKNOWN when silent, are not
 * flagged; nor are rules outside the fragment, which are not guessed. */
/* A fact no schema declares may hold a double where the rules compare
 * it with integers: x.n > 6 and x.n >= 7 differ at 6.5, so they are
 * not the same verdict for every vendor (L008 said they were), and a
 * should-rule x.n > 6 is still implied by a must-rule x.n >= 7. With
 * x.n declared int they are the same. */
static void undeclared_numbers_may_be_doubles(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, "must a: x.n >= 7\nshould b: x.n > 6\n");
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char *got = summary(l);
  assert_string_equal(got, "1 L103\n2 L007\n2 L103\n");
  free(got);
  pol_lints_free(l);
  pol_policy_free(pol);
  pol = compile(f, "fact x.n: int \"n\"\n"
                   "must a: x.n >= 7\nmust b: x.n > 6\n");
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  got = summary(l);
  assert_string_equal(got, "2 L103\n3 L008\n3 L103\n");
  free(got);
  pol_lints_free(l);
  pol_policy_free(pol);
}

static void no_false_alarms(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(
      f, "let limit = 7\n"
         "must a: x.n >= limit && x.n < 100\n"
         "should b: x.s in [\"a\", \"b\"] || size(x.l) > 2\n"
         "must c: x.l.all(v, v in [\"JP\", \"US\"]) ? x.b : !x.b\n"
         "rule d {\n when x.n > 3\n require x.n > 5\n}\n"
         "must e: x.s.startsWith(\"a\") || x.n + 1 > 3\n");
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char *got = summary(l);
  /* only: no rule has an ask and no fact a schema question */
  assert_string_equal(got, "2 L103\n3 L103\n4 L103\n5 L103\n9 L103\n");
  free(got);
  pol_lints_free(l);
  assert_int_equal(pol_lint(pol, NULL, 0, POL_LINT_VERBOSE, &l), POL_OK);
  pol_warning w = POL_WARNING_INIT;
  assert_int_equal(pol_lints_count(l), 6);
  pol_lints_get(l, 4, &w); /* a note: line 9, before its L103 */
  assert_string_equal(w.code, "L000");
  assert_string_equal(w.rule, "e");
  assert_non_null(strstr(w.message, "startsWith"));
  pol_lints_free(l);
  pol_policy_free(pol);
}

/* The number of warnings [pol] gets (notes aside). */
static size_t warnings(const pol_policy *pol) {
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  size_t n = pol_lints_count(l);
  for (size_t i = 0; i < pol_lints_count(l); i++) {
    pol_warning w = POL_WARNING_INIT;
    pol_lints_get(l, i, &w);
    print_message("%s:%u: [%s] %s\n", w.file, w.line, w.code, w.message);
  }
  pol_lints_free(l);
  return n;
}

/* A module's lets are for whoever imports it: not unused in a policy
 * that uses some of them, nor in the module linted by itself (a file
 * of lets alone), nor in the prelude's files linted themselves
 * (stdlib/regions.pol gave 498 warnings, each of its constants unused
 * and hiding itself). Derived facts are declarations, never unused; a
 * policy's own declaration of a prelude's derived fact replaces it on
 * purpose; a let that hides one is named as hiding a derived fact. */
static void modules_lint_clean(void **state) {
  fixture *f = *state;
  const char *files[] = {"stdlib/regions.pol", "stdlib/derived.pol",
                         "tests/lint/org_consts.pol",
                         "tests/lint/uses_org_consts.pol"};
  pol_policy *pol;
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    assert_pol_ok(f, pol_policy_compile_file(f->env, files[i], &pol));
    if (warnings(pol) != 0)
      fail_msg("%s: warnings", files[i]);
    pol_policy_free(pol);
  }
  /* no rule of its own: a module; JP as the prelude writes it; derived
   * facts, one replacing the prelude's */
  pol = compile(f, "let JP = \"JP\"\nlet helper = 1\n"
                   "fact data_region: string = data.location.countries[0] "
                   "\"d\"\nfact x.mine: int = x.n + 1 \"m\"\n");
  assert_int_equal(warnings(pol), 0);
  pol_policy_free(pol);
  /* with a rule: the unused let and derived fact; a let hiding the
   * prelude's derived fact */
  pol = compile(f, "let data_region = \"JP\"\n"
                   "fact x.mine: int = x.n + 1 \"m\"\n"
                   "must r: x.n > 1\n");
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char *got = summary(l);
  assert_string_equal(got, "1 L101\n1 L102\n3 L103\n");
  pol_warning w = POL_WARNING_INIT;
  pol_lints_get(l, 1, &w);
  assert_string_equal(w.message, "let 'data_region' hides the prelude's "
                      "derived fact 'data_region' (<stdlib>/derived.pol)");
  free(got);
  pol_lints_free(l);
  pol_policy_free(pol);
}

/* Classes of values around constants: an int compared with 7.5 is
 * decided at 7 and 8; strings by order; sizes; allowed values. */
static void classes_are_exact(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(
      f, "fact x.n: int \"n\"\nfact x.d: string \"d\"\n"
         "fact x.k: string in [\"a\", \"b\"] \"k\"\n"
         "fact x.l: list(string) \"l\"\n"
         "must a: x.n > 7.5 || x.n < 8\n"            /* never fails */
         "must b: x.d >= \"2026-01-01\" && x.d < \"2026-01-01\"\n" /* never passes */
         "must c: x.k == \"a\" || x.k == \"b\"\n"      /* never fails */
         "must d: size(x.l) > 1 || \"JP\" in x.l || size(x.l) == 0 || "
         "x.l.exists(v, v != \"JP\")\n");            /* never fails */
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char *got = summary(l);
  assert_string_equal(got, "5 L002\n5 L103\n6 L001\n6 L103\n7 L002\n"
                           "7 L103\n8 L002\n8 L103\n");
  witnesses_hold(f, pol, l);
  free(got);
  pol_lints_free(l);
  pol_policy_free(pol);
}

static void unknown_facts_need_vendors(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, "must a: data.regoin in [\"JP\"]\n"
                               "must b: backup.generations >= 7\n");
  pol_facts *v;
  const char *json = "{\"backup\": {\"generations\": 3}}";
  assert_int_equal(pol_facts_new(f->env, &v), POL_OK);
  assert_int_equal(pol_facts_load_json(v, json, strlen(json), "v"), POL_OK);
  pol_lints *l;
  const pol_facts *vs[] = {v};
  assert_int_equal(pol_lint(pol, vs, 1, 0, &l), POL_OK);
  char *got = summary(l);
  assert_string_equal(got, "1 L103\n1 L104\n2 L103\n");
  pol_warning w = POL_WARNING_INIT;
  pol_lints_get(l, 1, &w);
  assert_non_null(strstr(w.message, "'data.regoin'"));
  free(got);
  pol_lints_free(l);
  pol_facts_free(v);
  pol_policy_free(pol);
}

static void needs_the_source(void **state) {
  fixture *f = *state;
  pol_env *plain;
  pol_policy *pol;
  pol_lints *l = (pol_lints *)1;
  assert_int_equal(pol_env_new(NULL, &plain), POL_OK);
  assert_int_equal(pol_policy_compile(plain, "x", 1, "t", &pol), POL_OK);
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_EINVAL);
  assert_null(l);
  pol_policy_free(pol);
  pol_env_free(plain);
  assert_int_equal(pol_lint(NULL, NULL, 0, 0, &l), POL_EINVAL);
  /* the warnings outlive the policy */
  pol = compile(f, "let unused = 1\nmust a: x > 1\n");
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  pol_policy_free(pol);
  pol_warning w = POL_WARNING_INIT;
  assert_int_equal(pol_lints_get(l, 0, &w), POL_OK);
  assert_string_equal(w.file, "t.pol");
  assert_string_equal(w.code, "L101");
  assert_int_equal(pol_lints_get(l, 9, &w), POL_EINVAL);
  pol_lints_free(l);
}

/* pol_lint_check lists every check once, L000 among them, each code
 * L and three digits with a name, and ends in NULL; every code a
 * warning of the planted policy carries is listed. */
static void checks_are_listed(void **state) {
  (void)state;
  const char *name, *code;
  size_t n = 0;
  bool l000 = false, l002 = false;
  while ((code = pol_lint_check(n, &name)) != NULL) {
    assert_int_equal(strlen(code), 4);
    assert_int_equal(code[0], 'L');
    assert_non_null(name);
    assert_true(strlen(name) > 0);
    for (size_t j = 0; j < n; j++) {
      const char *other_name, *other = pol_lint_check(j, &other_name);
      assert_string_not_equal(other, code);
      assert_string_not_equal(other_name, name);
    }
    l000 |= !strcmp(code, "L000");
    l002 |= !strcmp(code, "L002") && !strcmp(name, "never-fail");
    n++;
  }
  assert_true(n >= 13);
  assert_true(l000 && l002);
  assert_null(pol_lint_check(n, &name));
  assert_null(name);
  assert_null(pol_lint_check(n + 100, NULL));
}

/* `// policyc:allow CODE` on the rule's line or in the comment lines
 * right above it drops that check's warning for that rule: by code or
 * by name, in a list, not past a blank line, not for a code named only
 * in the reason after ':'. */
static void source_allows(void **state) {
  env_fixture *f = *state;
  const char *src =
      "// policyc:allow L002: meant\n"
      "must a: size(s) >= 0\n"
      "// policyc:allow L001, never-fail\n"
      "// a second comment line\n"
      "must b: size(t) >= 0\n"
      "must c: size(u) >= 0 // policyc:allow L002\n"
      "// policyc:allow L002\n"
      "\n"
      "must d: size(v) >= 0\n"
      "// policyc:allow L001: not L002\n"
      "must e: size(w) >= 0\n";
  pol_policy *pol = compile(f, src);
  pol_lints *l;
  assert_int_equal(pol_lint(pol, NULL, 0, 0, &l), POL_OK);
  char seen[8] = "";
  for (size_t i = 0; i < pol_lints_count(l); i++) {
    pol_warning w = POL_WARNING_INIT;
    assert_int_equal(pol_lints_get(l, i, &w), POL_OK);
    if (!strcmp(w.code, "L002"))
      strncat(seen, w.rule, 1);
  }
  assert_string_equal(seen, "de");
  pol_lints_free(l);
  pol_policy_free(pol);
}

/* Run every check of lint.c over [pol] into [L] (lint_free it). */
static void lint_all(lint_run *L, const pol_policy *pol) {
  memset(L, 0, sizeof *L);
  L->pol = POLICY(pol);
  L->src = POLICY(pol)->src;
  assert_true(lint_policy(L));
}

/* The pairwise checks (implied, duplicate) analyse every pair of rules
 * that read the same facts: their analyses share one arena, rewound per
 * pair, so the run's own arena holds what the rules alone need. With
 * 300 should-rules and 300 must-rules over one fact (90,000 pairs) it
 * held 6.5 MB when every pair's analysis stayed there, and 1.3 MB now. */
static void pairs_take_the_memory_of_one(void **state) {
  fixture *f = *state;
  enum { N = 300 };
  size_t cap = (size_t)N * 2 * 64 + 1;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n,
                          "must m%d \"m\": backup.generations >= %d\n"
                          "should s%d \"s\": backup.generations >= %d\n",
                          i, 3 + i % 5, i, 1 + i % 7);
  pol_policy *pol = compile(f, src);
  lint_run L;
  lint_all(&L, pol);
  assert_true(L.n > 0);                   /* the pairs were analysed */
  assert_true(L.a.used < (size_t)4 << 20); /* not 22,500 analyses */
  assert_true(L.pair.used > 0);           /* the last pair's is here */
  lint_free(&L);
  pol_policy_free(pol);
  free(src);
}

/* A rule's fact paths are gathered once each, looked up by hash: each
 * was compared with all those gathered before, so a rule reading N facts
 * (`a0 || a1 || ...` over lets of 200 comparisons each) cost N² string
 * comparisons: 6,998 M instructions for 20,000 facts, 594 M now. */
static void many_paths_gathered_once(void **state) {
  fixture *f = *state;
  enum { N = 4000, PER = 200 };
  size_t cap = (size_t)N * 24 + 64 * (N / PER) + 64;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int j = 0; j < N / PER; j++) {
    n += (size_t)snprintf(src + n, cap - n, "let a%d = y%d.v == 0", j,
                          j * PER);
    for (int i = j * PER + 1; i < (j + 1) * PER; i++)
      n += (size_t)snprintf(src + n, cap - n, " ||\n  y%d.v == %d", i, i);
    n += (size_t)snprintf(src + n, cap - n, "\n");
  }
  n += (size_t)snprintf(src + n, cap - n, "must big \"b\": a0");
  for (int j = 1; j < N / PER; j++)
    n += (size_t)snprintf(src + n, cap - n, " || a%d", j);
  n += (size_t)snprintf(src + n, cap - n, " || y0.v == 1\n");
  assert_true(n < cap);
  pol_policy *pol = compile(f, src);
  lint_run L;
  lint_all(&L, pol);
  const char **paths;
  assert_int_equal(lint_rule_paths(&L, 0, &paths), N); /* y0.v once */
  assert_string_equal(paths[0], "y0.v");
  assert_string_equal(paths[N - 1], "y3999.v");
  assert_true(L.path_compares < 4 * N); /* 2,761; 8 million before */
  lint_free(&L);
  pol_policy_free(pol);
  free(src);
}

/* unused-let walks each used let's expression once. It walked every
 * used let again until a pass marked nothing new, a pass per link of a
 * chain of lets: 2,000 lets, each using the one before, cost 2,000
 * passes (48.5 G instructions for 8,000). Shadowing is asked once per
 * let too: the prelude's names and the declarations are looked up, not
 * scanned for each let. */
static void a_chain_of_lets_is_walked_once(void **state) {
  fixture *f = *state;
  enum { N = 2000 };
  size_t cap = (size_t)N * 40 + 256;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = (size_t)snprintf(src, cap, "fact x.v: int \"x\"\n"
                              "fact w.v: int \"w\"\nlet l0 = x.v\n"
                              "let w = 1\nlet JP = \"J\"\n");
  for (int i = 1; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n, "let l%d = l%d + 1\n", i, i - 1);
  n += (size_t)snprintf(src + n, cap - n, "let spare = l5\n"
                        "must r \"r\": l%d > JP.size()\n", N - 1);
  pol_policy *pol = compile(f, src);
  lint_run L;
  lint_all(&L, pol);
  assert_int_equal(L.let_walks, N + 1); /* l0 .. l1999 and JP */
  char got[512] = "";
  for (size_t i = 0; i < L.n; i++)
    if (!strcmp(L.w[i].code, "L101") || !strcmp(L.w[i].code, "L102"))
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s %s\n",
               L.w[i].code, L.w[i].message);
  assert_string_equal(got,
                      "L101 let 'w' is not used\n"
                      "L102 let 'w' hides the declared facts under 'w.'\n"
                      "L102 let 'JP' hides the prelude's constant 'JP' "
                      "(<stdlib>/regions.pol)\n"
                      "L101 let 'spare' is not used\n");
  lint_free(&L);
  pol_policy_free(pol);
  free(src);
}

/* Rules that read the same facts but lie outside the analysed fragment
 * can duplicate one another only by their text: they are not compared
 * pair by pair (2,000 quantifier rules over the same lists were
 * 2,000,000 pairs of whole texts compared). */
static void rules_outside_the_fragment_are_not_paired(void **state) {
  fixture *f = *state;
  enum { N = 500 };
  size_t cap = (size_t)N * 80 + 256;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n,
                          "must r%d \"r\": l.exists(v, string(v).size() > %d)\n",
                          i, i);
  n += (size_t)snprintf(src + n, cap - n,
                        "must d \"d\": l.exists(v, string(v).size() > 7)\n");
  pol_policy *pol = compile(f, src);
  lint_run L;
  lint_all(&L, pol);
  assert_true(L.compared > 0 && L.compared < 10); /* d with r7 */
  int dups = 0;
  for (size_t i = 0; i < L.n; i++)
    if (!strcmp(L.w[i].code, "L008")) {
      dups++;
      assert_non_null(strstr(L.w[i].message, "rule 'd' duplicates rule 'r7'"));
    }
  assert_int_equal(dups, 1);
  lint_free(&L);
  pol_policy_free(pol);
  free(src);
}

/* implied and duplicate compare a rule only with the rules that could
 * be its pair: those of its text or of its facts. 2,000 rules each on
 * a fact of its own were compared pair by pair (2,000,000 pairs, 3.6 s
 * for 20,000 rules); now none is. Rules that share facts still are, and
 * the first earlier rule that duplicates or implies one is named. */
static void rules_on_other_facts_are_not_paired(void **state) {
  fixture *f = *state;
  enum { N = 2000 };
  size_t cap = (size_t)N * 64 + 256;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n, "%s r%d \"r\": x%d >= %d\n",
                          i % 2 ? "should" : "must", i, i, i);
  n += (size_t)snprintf(src + n, cap - n,
                        "must d1 \"d\": x1 >= 7\nshould d2 \"d\": x1 >= 7\n"
                        "should d3 \"d\": x1 >= 7.0\nshould d4 \"d\": x2 >= 1\n");
  pol_policy *pol = compile(f, src);
  lint_run L;
  lint_all(&L, pol);
  /* d1..d3 and r1 read x1, d4 and r2 read x2: a few pairs, not N * N */
  assert_true(L.compared > 0 && L.compared < 40);
  bool dup2 = false, dup3 = false, impl4 = false;
  for (size_t i = 0; i < L.n; i++) {
    const char *m = L.w[i].message;
    dup2 |= strstr(m, "rule 'd2' duplicates rule 'd1'") != NULL;
    dup3 |= strstr(m, "rule 'd3' gives the same verdict as rule 'd1'") != NULL;
    impl4 |= strstr(m, "'d4' is implied by must-rule 'r2'") != NULL;
  }
  assert_true(dup2 && dup3 && impl4);
  lint_free(&L);
  pol_policy_free(pol);
  free(src);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(planted_mistakes_are_found, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(witnesses_on_every_policy_hold, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(no_false_alarms, env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(undeclared_numbers_may_be_doubles,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(modules_lint_clean, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(classes_are_exact, env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(unknown_facts_need_vendors, env_setup_source,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(needs_the_source, env_setup_source, env_teardown),
      cmocka_unit_test(checks_are_listed),
      cmocka_unit_test_setup_teardown(source_allows, env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(many_paths_gathered_once,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(a_chain_of_lets_is_walked_once,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(rules_outside_the_fragment_are_not_paired,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(rules_on_other_facts_are_not_paired,
                                      env_setup_source, env_teardown),
      cmocka_unit_test_setup_teardown(pairs_take_the_memory_of_one,
                                      env_setup_source, env_teardown),
  };
  return RUN_TESTS("lint", tests, argc, argv);
}
