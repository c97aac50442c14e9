/*
 * test_unknowns.c: the unknowns corpus (the .txt files of
 * tests/unknowns, described in docs/unknowns.md). Each case is a rule
 * (lets, `when`, `require`) and a fact set; it says what the rule's residual and decisive facts are, or
 * which verdict it reaches when nothing it needs is missing, and what
 * --assume makes of it. Every case goes through the public API as a
 * user's policy would (pol_policy_compile, pol_check, the pol_report
 * residual accessors, pol_facts_assume), then again through a saved and
 * loaded copy of the policy, which must give the same residual.
 *
 * Expected residuals are compared after parsing and printing them again
 * (lib/unparse.c), so a case may write them with any spacing or extra
 * parentheses. Besides what a case states, every case checks the
 * invariants of docs/unknowns.md: a residual is never just true or
 * false, it parses and compiles, and each decisive fact is absent from
 * the facts.
 */
#include "harness.h"

#include <stdlib.h>

#include "compile.h"
#include "parse.h"
#include "pol.h"

#define CORPUS_DIR "tests/unknowns"

typedef struct tcase {
  char name[200];
  const char *file;
  int line;
  char lets[4096];
  char when[1024], expr[2048], facts[4096];
  char missing[512], residual[2048], applies[1024], then[16];
  char decisive[1024], verdict[16], after[16];
  char assume[8][256];
  int nassume;
  bool has_residual, has_applies, has_decisive;
} tcase;

typedef struct runner {
  pol_env *env;
  pol_ctx *ctx;
  int cases, failed;
  char msg[4096];
} runner;

/* ==== reading the corpus ================================================= */

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

static void set(char *dst, size_t cap, const char *v) {
  snprintf(dst, cap, "%s", v);
}

/* Take one "key: value" line into [c]; false for an unknown key. */
static bool field(tcase *c, const char *key, const char *v) {
  if (!strcmp(key, "let")) {
    size_t n = strlen(c->lets);
    snprintf(c->lets + n, sizeof c->lets - n, "let %s\n", v);
  } else if (!strcmp(key, "fact")) {
    size_t n = strlen(c->lets);
    snprintf(c->lets + n, sizeof c->lets - n, "fact %s\n", v);
  } else if (!strcmp(key, "when")) {
    set(c->when, sizeof c->when, v);
  } else if (!strcmp(key, "expr")) {
    set(c->expr, sizeof c->expr, v);
  } else if (!strcmp(key, "facts")) {
    set(c->facts, sizeof c->facts, v);
  } else if (!strcmp(key, "missing")) {
    set(c->missing, sizeof c->missing, v);
  } else if (!strcmp(key, "residual")) {
    set(c->residual, sizeof c->residual, v);
    c->has_residual = true;
  } else if (!strcmp(key, "applies")) {
    set(c->applies, sizeof c->applies, v);
    c->has_applies = true;
  } else if (!strcmp(key, "then")) {
    set(c->then, sizeof c->then, v);
  } else if (!strcmp(key, "decisive")) {
    set(c->decisive, sizeof c->decisive, v);
    c->has_decisive = true;
  } else if (!strcmp(key, "verdict")) {
    set(c->verdict, sizeof c->verdict, v);
  } else if (!strcmp(key, "assume") && c->nassume < 8) {
    set(c->assume[c->nassume++], sizeof c->assume[0], v);
  } else if (!strcmp(key, "after")) {
    set(c->after, sizeof c->after, v);
  } else {
    return false;
  }
  return true;
}

/* ==== checking one case ================================================== */

static bool failf(runner *r, const tcase *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool failf(runner *r, const tcase *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->msg, sizeof r->msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "FAIL %s:%d: %s: %s\n", c->file, c->line, c->name, r->msg);
  r->failed++;
  return false;
}

/* [src] parsed and printed again: the corpus's normal form. */
static bool normal(const char *src, char *out, size_t cap) {
  diag_list d;
  arena a;
  diag_init(&d, "<corpus>", src, strlen(src), NULL);
  arena_init(&a, 0, NULL);
  ast *t = parse_expr(&a, &d);
  sbuf b;
  sb_init(&b, NULL);
  if (t)
    ast_unparse(&b, t);
  snprintf(out, cap, "%s", t && b.p ? b.p : "");
  sb_free(&b);
  arena_free(&a);
  diag_free(&d);
  return t != NULL;
}

/* A residual must parse and compile, and never be just true or false. */
static bool residual_ok(runner *r, const tcase *c, const char *what,
                        const char *s) {
  char n[4096];
  if (!s)
    return true;
  if (!normal(s, n, sizeof n))
    return failf(r, c, "%s does not parse: %s", what, s);
  if (!strcmp(n, "true") || !strcmp(n, "false"))
    return failf(r, c, "%s is a constant: %s", what, s);
  pol_program *p;
  if (pol_compile_expr(r->env, s, strlen(s), "residual", NULL, &p) != POL_OK)
    return failf(r, c, "%s does not compile: %s", what, s);
  pol_program_free(p);
  return true;
}

/* Compare [got] (NULL: none) with the expected text [want] ("-": none). */
static bool same_expr(runner *r, const tcase *c, const char *what,
                      const char *want, const char *got) {
  char a[4096], b[4096];
  bool none = !strcmp(want, "-");
  if (none || !got)
    return none == !got ? true
                        : failf(r, c, "%s: want %s, got %s", what, want,
                                got ? got : "-");
  if (!normal(want, a, sizeof a))
    return failf(r, c, "%s: the expected text does not parse: %s", what,
                 want);
  normal(got, b, sizeof b);
  return !strcmp(a, b) ? true
                       : failf(r, c, "%s:\n    want %s\n    got  %s", what,
                               a, b);
}

/* "a, b (withheld)" from the report. */
static void decisive_text(const pol_report *rep, size_t rule, char *out,
                          size_t cap) {
  size_t n = pol_report_decisive_count(rep, 0, rule), at = 0;
  out[0] = '\0';
  for (size_t k = 0; k < n && at < cap; k++)
    at += (size_t)snprintf(out + at, cap - at, "%s%s%s", k ? ", " : "",
                           pol_report_decisive_path(rep, 0, rule, k),
                           pol_report_decisive_withheld(rep, 0, rule, k)
                               ? " (withheld)" : "");
  if (!n)
    snprintf(out, cap, "-");
}

/* Every decisive fact is absent from the facts: evaluating its path
 * gives an absent error. */
static bool decisive_absent(runner *r, const tcase *c, const pol_report *rep,
                            const pol_facts *f) {
  for (size_t k = 0; k < pol_report_decisive_count(rep, 0, 0); k++) {
    const char *path = pol_report_decisive_path(rep, 0, 0, k);
    pol_program *p;
    const pol_value *v;
    char src[1024];
    snprintf(src, sizeof src, "has(%s)", path);
    if (pol_compile_expr(r->env, src, strlen(src), "decisive", NULL, &p) ==
        POL_OK) {
      int rc = pol_eval(r->ctx, p, f, &v);
      bool present = rc == POL_OK && pol_value_bool(v);
      pol_program_free(p);
      if (present)
        return failf(r, c, "decisive fact %s is in the facts", path);
    }
  }
  return true;
}

static pol_policy *compile_case(runner *r, const tcase *c) {
  char src[16384];
  snprintf(src, sizeof src, "%srule r {\n%s%s%s  require %s\n}\n", c->lets,
           c->when[0] ? "  when " : "", c->when, c->when[0] ? "\n" : "",
           c->expr);
  pol_policy *pol = NULL;
  if (pol_policy_compile(r->env, src, strlen(src), "corpus.pol", &pol) !=
      POL_OK)
    failf(r, c, "does not compile: %s", pol_env_errmsg(r->env));
  return pol;
}

static pol_policy *round_trip(runner *r, const tcase *c,
                              const pol_policy *pol) {
  void *buf;
  size_t len;
  pol_policy *back = NULL;
  if (pol_policy_save(pol, &buf, &len) != POL_OK)
    return failf(r, c, "cannot save"), NULL;
  if (pol_policy_load(r->env, buf, len, "corpus.polc", &back) != POL_OK)
    failf(r, c, "cannot load: %s", pol_env_errmsg(r->env));
  free(buf);
  return back;
}

/* The residual, decisive facts and verdict of [pol] over [f], as the case
 * states them. */
static bool expect(runner *r, const tcase *c, const pol_policy *pol,
                   const pol_facts *f, const char *how) {
  pol_report *rep;
  if (pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) != POL_OK ||
      pol_check(r->ctx, rep, f, "corpus") != POL_OK)
    return failf(r, c, "%s: check failed", how);
  const char *v = pol_report_verdict(rep, 0, 0);
  const char *want = c->verdict[0] ? c->verdict : "UNKNOWN";
  bool ok = !strcmp(v, want) ||
            failf(r, c, "%s: verdict %s, want %s", how, v, want);
  const char *res = pol_report_residual(rep, 0, 0);
  const char *app = pol_report_residual_when(rep, 0, 0);
  if (ok && !strcmp(v, "UNKNOWN"))
    ok = residual_ok(r, c, "residual", res) &&
         residual_ok(r, c, "applies", app) &&
         (res || app || failf(r, c, "%s: UNKNOWN without a residual", how)) &&
         decisive_absent(r, c, rep, f);
  if (ok && c->has_residual)
    ok = same_expr(r, c, "residual", c->residual, res);
  if (ok && c->has_applies)
    ok = same_expr(r, c, "applies", c->applies, app);
  if (ok && c->then[0]) {
    int t = pol_report_residual_then(rep, 0, 0);
    const char *got = t >= 0 ? pol_verdict_name((pol_verdict)t) : "-";
    ok = !strcmp(got, c->then) ||
         failf(r, c, "then: want %s, got %s", c->then, got);
  }
  if (ok && c->has_decisive) {
    char got[2048];
    decisive_text(rep, 0, got, sizeof got);
    ok = !strcmp(got, c->decisive) ||
         failf(r, c, "%s: decisive:\n    want %s\n    got  %s", how,
               c->decisive, got);
  }
  pol_report_free(rep);
  return ok;
}

/* With the case's assumptions made, the verdict it says. */
static bool assumed(runner *r, const tcase *c, const pol_policy *pol,
                    pol_facts *f) {
  if (!c->nassume)
    return true;
  for (int i = 0; i < c->nassume; i++)
    if (pol_facts_assume(f, c->assume[i]) != POL_OK)
      return failf(r, c, "assume: %s", pol_facts_errmsg(f));
  pol_report *rep;
  if (pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) != POL_OK ||
      pol_check(r->ctx, rep, f, "corpus") != POL_OK)
    return failf(r, c, "check after assume failed");
  const char *v = pol_report_verdict(rep, 0, 0);
  bool ok = !c->after[0] || !strcmp(v, c->after) ||
            failf(r, c, "after assume: verdict %s, want %s", v, c->after);
  pol_report_free(rep);
  return ok;
}

static void run_case(runner *r, const tcase *c) {
  r->cases++;
  pol_policy *pol = compile_case(r, c);
  pol_facts *f = NULL;
  if (!pol || pol_facts_new(r->env, &f) != POL_OK) {
    pol_policy_free(pol);
    return;
  }
  const char *json = c->facts[0] ? c->facts : "{}";
  if (pol_facts_load_json(f, json, strlen(json), "facts") != POL_OK) {
    failf(r, c, "facts: %s", pol_facts_errmsg(f));
  } else if (expect(r, c, pol, f, "compiled")) {
    pol_policy *back = round_trip(r, c, pol);
    if (back && expect(r, c, back, f, "saved"))
      assumed(r, c, pol, f);
    pol_policy_free(back);
  }
  pol_facts_free(f);
  pol_policy_free(pol);
}

/* ==== the corpus files =================================================== */

static void run_file(runner *r, const char *path) {
  FILE *in = fopen(path, "r");
  if (!in)
    fail_msg("cannot open %s", path);
  char line[8192];
  tcase *c = calloc(1, sizeof *c);
  bool open_case = false;
  int n = 0;
  while (fgets(line, sizeof line, in)) {
    n++;
    char *s = trim(line);
    if (!*s || *s == '#')
      continue;
    if (!strncmp(s, "== ", 3)) {
      if (open_case)
        run_case(r, c);
      memset(c, 0, sizeof *c);
      set(c->name, sizeof c->name, trim(s + 3));
      c->file = path;
      c->line = n;
      open_case = true;
      continue;
    }
    char *colon = strchr(s, ':');
    if (!open_case || !colon)
      fail_msg("%s:%d: expected '== name' or 'key: value'", path, n);
    *colon = '\0';
    if (!field(c, trim(s), trim(colon + 1)))
      fail_msg("%s:%d: unknown key '%s'", path, n, s);
  }
  if (open_case)
    run_case(r, c);
  free(c);
  fclose(in);
}

static void corpus(void **state) {
  (void)state;
  static const char *const files[] = {
      CORPUS_DIR "/logic.txt",  CORPUS_DIR "/values.txt",
      CORPUS_DIR "/macros.txt", CORPUS_DIR "/policy.txt",
      CORPUS_DIR "/withheld.txt"};
  runner r;
  memset(&r, 0, sizeof r);
  assert_int_equal(pol_env_new(NULL, &r.env), POL_OK);
  assert_int_equal(pol_ctx_new(r.env, &r.ctx), POL_OK);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    run_file(&r, files[i]);
  printf("unknowns corpus: %d cases, %d passed, %d failed\n", r.cases,
         r.cases - r.failed, r.failed);
  pol_ctx_free(r.ctx);
  pol_env_free(r.env);
  assert_true(r.cases >= 200);
  assert_int_equal(r.failed, 0);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(corpus)};
  return RUN_TESTS("unknowns", tests, argc, argv);
}
