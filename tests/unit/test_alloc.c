/*
 * test_alloc.c: the host allocator of pol_config (pol.h, docs/embedding.md
 * "Custom allocator"). Three promises, each tested the way it breaks:
 *
 *   - every block goes through it: this binary is linked with --wrap for
 *     malloc, calloc, realloc, free, strdup and their kin (Makefile), so
 *     a direct libc call from libpol's objects during a call with a host
 *     allocator lands in the __wrap_ functions below and is counted as an
 *     escape; a workload that calls nearly every function of pol.h must
 *     make none, and leave no block of the counting allocator live;
 *   - out of memory is a status, never a crash or a leak: a small
 *     workload runs once for every allocation it makes, the Nth failing,
 *     and every call must return POL_OK or POL_ENOMEM (NULL for the
 *     functions that return text), with nothing live at the end and the
 *     same output whenever every call succeeded;
 *   - without an allocator, nothing changes: libc as before.
 *
 * Uses only the public header. Under `make asan` the sweep also shows
 * that no error path reads freed or uninitialised memory.
 */
#include "harness.h"

#include <stdbool.h>
#include <stdlib.h>

#include "pol.h"

/* ==== direct libc calls (the link wraps them) ============================ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t m);
void __real_free(void *p);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t m);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t n);

/* While armed (a workload runs with a host allocator), a call of any of
 * them is an escape: the test's own code makes none while armed, so it
 * came from the library. The first few callers are kept for the report.
 * (Test state: a library may not have globals, a test binary may.) */
static struct {
  bool armed;
  size_t n;
  void *where[8];
  const char *what[8];
} escapes;

#define POL_COUNTOF_(a) (sizeof(a) / sizeof((a)[0]))

static void escaped(const char *what, void *where) {
  if (!escapes.armed)
    return;
  if (escapes.n < POL_COUNTOF_(escapes.where)) {
    escapes.where[escapes.n] = where;
    escapes.what[escapes.n] = what;
  }
  escapes.n++;
}
#define ESCAPED(what) escaped(what, __builtin_return_address(0))

void *__wrap_malloc(size_t n) {
  ESCAPED("malloc");
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m) {
  ESCAPED("calloc");
  return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n) {
  ESCAPED("realloc");
  return __real_realloc(p, n);
}
void *__wrap_reallocarray(void *p, size_t n, size_t m) {
  ESCAPED("reallocarray");
  return __real_reallocarray(p, n, m);
}
void __wrap_free(void *p) {
  if (p)
    ESCAPED("free");
  __real_free(p);
}
char *__wrap_strdup(const char *s) {
  ESCAPED("strdup");
  return __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n) {
  ESCAPED("strndup");
  return __real_strndup(s, n);
}
void *__wrap_aligned_alloc(size_t align, size_t n) {
  ESCAPED("aligned_alloc");
  return __real_aligned_alloc(align, n);
}
int __wrap_posix_memalign(void **p, size_t align, size_t n) {
  ESCAPED("posix_memalign");
  return __real_posix_memalign(p, align, n);
}

static void assert_no_escape(void) {
  for (size_t i = 0; i < escapes.n && i < POL_COUNTOF_(escapes.where); i++)
    print_error("direct %s from %p\n", escapes.what[i], escapes.where[i]);
  assert_int_equal(escapes.n, 0);
}

/* ==== the counting allocator ============================================= */

/* Each block carries a header: its size and a mark, so that a block the
 * allocator did not make (one from libc) is noticed when freed. */
typedef union header {
  struct {
    size_t size;
    unsigned mark;
  } h;
  max_align_t align;
} header;
#define MARK 0x706f6c21u

typedef struct counter {
  size_t calls;    /* requests for memory (size > 0) so far */
  size_t fail_at;  /* the request that fails (1-based); 0: none */
  bool fail_from;  /* ... and every one after it */
  bool failed;     /* it did */
  long live;       /* blocks handed out and not yet freed */
  size_t bytes;    /* bytes live */
  bool foreign;    /* asked to free or resize a block not its own */
} counter;

/* Called when the allocator fails on purpose: `break fail_here` in gdb,
 * with `build/tests/test_alloc out_of_memory_everywhere`, shows where
 * the failing allocation was made. */
static void __attribute__((noinline)) fail_here(void) { __asm__(""); }

static void *counting(void *user, void *ptr, size_t size) {
  counter *c = user;
  header *h = ptr ? (header *)ptr - 1 : NULL;
  if (h && h->h.mark != MARK) {
    c->foreign = true;
    return NULL;
  }
  if (size == 0) { /* free */
    if (!h)
      c->foreign = true; /* pol.h: the library never frees NULL */
    else {
      c->live--;
      c->bytes -= h->h.size;
      h->h.mark = 0;
      __real_free(h);
    }
    return NULL;
  }
  if (++c->calls == c->fail_at || (c->fail_from && c->fail_at &&
                                    c->calls > c->fail_at)) {
    c->failed = true;
    fail_here(); /* a place for a debugger's breakpoint */
    return NULL; /* the old block, if any, stays as it was */
  }
  size_t old = h ? h->h.size : 0;
  header *n = __real_realloc(h, sizeof *n + size);
  if (!n)
    return NULL;
  c->live += h ? 0 : 1;
  c->bytes += size - old;
  n->h.size = size;
  n->h.mark = MARK;
  return n + 1;
}

static pol_config config_for(counter *c) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.alloc = counting;
  cfg.alloc_user = c;
  return cfg;
}

/* ==== what the workloads read ============================================ */

static const char policy_src[] =
    "policy \"oom\" { title \"メモリ不足の試験\" version \"1\" }\n"
    "fact backup.generations: int \"保管世代数\" {\n"
    "  ask ja \"何世代ですか\"\n"
    "  ask en \"How many generations?\"\n"
    "}\n"
    "fact data.region: string \"所在国\"\n"
    "fact auth.mfa: bool \"MFA\"\n"
    "fact vendor.name: string \"社名\"\n"
    "fact missing.count: int \"開示なし\"\n"
    "let min_gen = 7\n"
    "rule backup_generations {\n"
    "  title \"バックアップを7世代以上保管すること\"\n"
    "  severity must\n"
    "  refs [\"METI-2013 12.3\"]\n"
    "  require backup.generations >= min_gen\n"
    "  message \"保管世代数は {backup.generations} 世代\"\n"
    "}\n"
    "should region: data.region in [JP]\n"
    "rule mfa_named {\n"
    "  require auth.mfa && vendor.name.matches(\"^[A-Z][a-z]+$\") &&\n"
    "          twice(1) == 2\n"
    "}\n"
    "missing.count > 0\n";

static const char facts_src[] =
    "{\"$vendor\": {\"name\": \"Acme\", \"document\": \"whitepaper\"},\n"
    " \"$evidence\": {\"backup.generations\": \"p.3: 7 generations\"},\n"
    " \"$withheld\": [\"missing.count\"],\n"
    " \"backup\": {\"generations\": 7},\n"
    " \"data\": {\"region\": \"JP\"},\n"
    " \"auth\": {\"mfa\": true},\n"
    " \"vendor\": {\"name\": \"Acme\"}}";

static const char expr_src[] =
    "backup.generations + twice(2) > 10 && "
    "vendor.name.matches('^' + 'A') && "
    "[3, 1, 2].map(x, x * 2).exists(y, y == 6) && "
    "{'k': [1.5, 'ü']}.k.size() == 2 && "
    "string(duration('90s')) == '90s' && "
    "timestamp('2024-01-01T00:00:00Z').getHours('+09:00') == 9";

static int64_t twice(int64_t x) { return 2 * x; }

/* An env on [cfg] (NULL: the defaults) with `twice` registered, and
 * policy_src compiled in it. */
static void open_policy(const pol_config *cfg, pol_env **env,
                        pol_policy **pol) {
  assert_int_equal(pol_env_new(cfg, env), POL_OK);
  assert_int_equal(pol_env_register(*env, "twice", "int64(int64)",
                                    (void (*)(void))twice),
                   POL_OK);
  assert_int_equal(pol_policy_compile(*env, policy_src, strlen(policy_src),
                                      "oom.pol", pol),
                   POL_OK);
}

/* facts_src loaded into a new fact set of [env]. */
static void new_acme_facts(pol_env *env, pol_facts **facts) {
  assert_int_equal(pol_facts_new(env, facts), POL_OK);
  assert_int_equal(pol_facts_load_json(*facts, facts_src, strlen(facts_src),
                                       "acme.json"),
                   POL_OK);
}

/* ==== the out-of-memory sweep ============================================ */

/* The texts a run makes: the report in each format, the value of the
 * expression, the bytes a writer wrote, the validation problems. */
enum { T_TEXT, T_JSON, T_QUESTIONS, T_NDJSON, T_VALUE, T_WRITER, T_VALID,
       T_QCSV, T_RESIDUAL, T_ASSUMED, T_LISTING, T_PLISTING, T_COUNT };

/* What one run of the small workload said: each status, and the texts it
 * made (copied: they die with their handles; NULL: not made). */
typedef struct outcome {
  int rc[32];
  int n;
  char text[T_COUNT][4096];
  bool made[T_COUNT];
} outcome;

/* The allocation that fails in the sweep now, for messages. */
static size_t sweep_at;

/* Note [rc]; true if it is POL_OK. Anything but POL_OK, POL_ENOMEM or
 * [expected] is wrong whatever the allocator did. */
static bool step_or(outcome *o, int rc, int expected) {
  if (rc != POL_OK && rc != POL_ENOMEM && rc != expected)
    fail_msg("allocation %zu failing: step %d: status %d (%s)", sweep_at,
             o->n, rc, pol_strerror(rc));
  if (o->n < (int)POL_COUNTOF_(o->rc))
    o->rc[o->n++] = rc;
  return rc == POL_OK || rc == expected;
}

static bool step(outcome *o, int rc) { return step_or(o, rc, POL_OK); }

/* Keep text [t] of [o]; NULL means it was not made (out of memory). */
static void keep(outcome *o, int t, const char *s) {
  o->made[t] = s != NULL;
  snprintf(o->text[t], sizeof o->text[t], "%s", s ? s : "");
}

/* A writer that keeps what it is given, up to its buffer. */
typedef struct sink {
  char buf[4096];
  size_t len;
} sink;

static int into_sink(void *user, const char *data, size_t len) {
  sink *k = user;
  size_t room = sizeof k->buf - 1 - k->len;
  memcpy(k->buf + k->len, data, len < room ? len : room);
  k->len += len < room ? len : room;
  k->buf[k->len] = '\0';
  return 0;
}

/* Check [pol] against the facts; render every format; write NDJSON. */
static void check_and_render(outcome *o, pol_ctx *ctx, pol_facts *facts,
                             const pol_policy *pol) {
  pol_report *rep = NULL;
  if (step(o, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep)) &&
      step(o, pol_check(ctx, rep, facts, "acme.json"))) {
    keep(o, T_TEXT, pol_report_render(rep, POL_FORMAT_TEXT, 0));
    keep(o, T_JSON, pol_report_render(rep, POL_FORMAT_JSON, 0));
    keep(o, T_QUESTIONS, pol_report_render(rep, POL_FORMAT_QUESTIONS, 0));
    keep(o, T_NDJSON, pol_report_render(rep, POL_FORMAT_NDJSON, 0));
    keep(o, T_QCSV, pol_report_render(rep, POL_FORMAT_QUESTIONS_CSV, 0));
    keep(o, T_RESIDUAL, pol_report_residual(rep, 0, 3));
    sink k = {"", 0};
    pol_writer *w = NULL;
    if (step(o, pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                               into_sink, &k, &w)) &&
        step(o, pol_writer_add(w, rep)) && step(o, pol_writer_finish(w)))
      keep(o, T_WRITER, k.buf);
    pol_writer_free(w);
  }
  pol_report_free(rep);
}

/* What-if: the withheld fact assumed, checked again (a pol_facts_assume
 * or pol_check that says POL_ENOMEM leaves the rest undone). */
static void assume_and_check(outcome *o, pol_ctx *ctx, pol_facts *facts,
                             const pol_policy *pol) {
  pol_report *rep = NULL;
  if (step(o, pol_facts_assume(facts, "missing.count=3")) &&
      step(o, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep)) &&
      step(o, pol_check(ctx, rep, facts, "acme.json")))
    keep(o, T_ASSUMED, pol_report_render(rep, POL_FORMAT_TEXT, 0));
  pol_report_free(rep);
}

/* Save [pol] and load it again; validate the facts against it. */
static void save_load_validate(outcome *o, pol_env *env,
                               const pol_policy *pol) {
  void *saved = NULL;
  size_t len = 0, n = 0;
  pol_policy *back = NULL;
  const char *problems = NULL;
  if (step(o, pol_policy_save(pol, &saved, &len)) &&
      step(o, pol_policy_load(env, saved, len, "saved", &back))) {
    assert_int_equal(pol_policy_rule_count(back), 4);
    /* a listing shows the superinstructions (loading makes them), or
     * says out of memory: never one without them */
    keep(o, T_LISTING, pol_policy_disasm(env, back));
    if (step(o, pol_validate(env, back, facts_src, strlen(facts_src),
                             "acme.json", &n, &problems)))
      keep(o, T_VALID, problems);
  }
  pol_policy_free(back);
  pol_free(env, saved);
}

/* Compile and evaluate one expression over the facts. */
static void eval_expr(outcome *o, pol_env *env, pol_ctx *ctx,
                      pol_facts *facts) {
  pol_program *prog = NULL;
  const pol_value *v = NULL;
  if (step(o, pol_compile_expr(env, expr_src, strlen(expr_src), NULL, NULL,
                               &prog)) &&
      step(o, pol_eval(ctx, prog, facts, &v))) {
    keep(o, T_VALUE, pol_value_format(ctx, v));
    keep(o, T_PLISTING, pol_program_disasm(env, prog));
  }
  pol_program_free(prog);
}

/* A policy with errors: POL_ESYNTAX (or POL_ENOMEM), and diagnostics. */
static void bad_policy(outcome *o, pol_env *env) {
  static const char src[] = "rule r { require 1 + }\nimport \"nowhere\"\n";
  pol_policy *bad = NULL;
  if (step_or(o, pol_policy_compile(env, src, strlen(src), "bad.pol", &bad),
              POL_ESYNTAX))
    assert_non_null(pol_diag_render(env, POL_RENDER_EXCERPT));
  assert_null(bad);
}

/* The facts: a JSON object, then a bound literal. */
static bool load_facts(outcome *o, pol_facts *facts) {
  return step(o, pol_facts_load_json(facts, facts_src, strlen(facts_src),
                                     "acme.json")) &&
         step(o, pol_facts_bind_literal(facts, "limit", "[7, 'x']", 8));
}

/* The small workload: compile a policy (and one with errors), load facts,
 * check, render every format, write, save and load the bytecode,
 * validate, evaluate an expression. */
static void small_workload(counter *c, outcome *o) {
  memset(o, 0, sizeof *o);
  pol_config cfg = config_for(c);
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  pol_facts *facts = NULL;
  pol_ctx *ctx = NULL;
  if (step(o, pol_env_new(&cfg, &env)) &&
      step(o, pol_env_register(env, "twice", "int64(int64)",
                               (void (*)(void))twice)) &&
      step(o, pol_env_add_import_dir(env, "no/such/dir")) &&
      step(o, pol_policy_compile(env, policy_src, strlen(policy_src),
                                 "oom.pol", &pol)) &&
      step(o, pol_facts_new(env, &facts)) && load_facts(o, facts) &&
      step(o, pol_ctx_new(env, &ctx))) {
    check_and_render(o, ctx, facts, pol);
    save_load_validate(o, env, pol);
    eval_expr(o, env, ctx, facts);
    bad_policy(o, env);
    assume_and_check(o, ctx, facts, pol);
  }
  if (env) /* a message is always there to read */
    assert_non_null(pol_env_errmsg(env));
  pol_ctx_free(ctx);
  pol_facts_free(facts);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Whether every step of [o] succeeded, as in [ref]. */
static bool same_steps(const outcome *o, const outcome *ref) {
  return o->n == ref->n && memcmp(o->rc, ref->rc, sizeof o->rc) == 0;
}

/* After the workload with allocation [n] failing (and every one after it
 * too, when [from_on]): nothing live, no libc call, and, when every call
 * succeeded anyway, the same texts as [ref]. */
static void sweep_one(size_t n, bool from_on, const outcome *ref) {
  counter k = {0};
  outcome o;
  k.fail_at = sweep_at = n;
  k.fail_from = from_on;
  escapes.n = 0;
  escapes.armed = true;
  small_workload(&k, &o);
  escapes.armed = false;
  if (k.live != 0 || k.foreign || escapes.n)
    fail_msg("allocation %zu failing%s: %ld blocks live%s, %zu direct "
             "libc calls", n, from_on ? " (and all after it)" : "", k.live,
             k.foreign ? ", a foreign block freed" : "", escapes.n);
  assert_true(k.failed);
  if (!same_steps(&o, ref))
    return; /* a call said POL_ENOMEM */
  for (int t = 0; t < T_COUNT; t++)
    if (o.made[t] && strcmp(o.text[t], ref->text[t]) != 0)
      fail_msg("allocation %zu failing: every call succeeded, but text %d "
               "differs:\n%s\n----\n%s", n, t, o.text[t], ref->text[t]);
}

/* Run the workload once per allocation it makes, the Nth failing; then
 * again with every allocation from the Nth on failing (the clean-up paths
 * of a host that stays out of memory). */
static void out_of_memory_everywhere(void **state) {
  (void)state;
  counter c = {0};
  outcome ref;
  escapes.n = 0;
  escapes.armed = true;
  small_workload(&c, &ref);
  escapes.armed = false;
  assert_no_escape();
  assert_int_equal(c.live, 0);
  for (int t = 0; t < T_COUNT; t++)
    assert_true(ref.made[t]);
  assert_non_null(strstr(ref.text[T_JSON], "\"backup_generations\""));
  assert_non_null(strstr(ref.text[T_WRITER], "\"backup_generations\""));
  assert_string_equal(ref.text[T_VALUE], "true");
  size_t total = c.calls;
  assert_true(total > 100);
  print_message("%zu allocations\n", total);
  for (size_t n = 1; n <= total; n++)
    sweep_one(n, false, &ref);
  for (size_t n = 1; n <= total; n++)
    sweep_one(n, true, &ref);
}

/* An expression nested [depth] parentheses deep, in [buf]. */
static size_t nested(char *buf, int depth) {
  size_t n = 0;
  for (int i = 0; i < depth; i++)
    buf[n++] = '(';
  buf[n++] = '1';
  for (int i = 0; i < depth; i++)
    buf[n++] = ')';
  buf[n] = '\0';
  return n;
}

/* Compile and run [src] with [c]: POL_OK or POL_ENOMEM, nothing live. */
static int compile_and_run(counter *c, const char *src, size_t len) {
  pol_config cfg = config_for(c);
  pol_env *env = NULL;
  pol_ctx *ctx = NULL;
  pol_program *prog = NULL;
  const pol_value *v;
  int rc = pol_env_new(&cfg, &env);
  if (rc == POL_OK)
    rc = pol_compile_expr(env, src, len, NULL, NULL, &prog);
  if (rc == POL_OK)
    rc = pol_ctx_new(env, &ctx);
  if (rc == POL_OK)
    rc = pol_eval(ctx, prog, NULL, &v);
  if (rc == POL_OK)
    assert_int_equal(pol_value_int(v), 1);
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_env_free(env);
  assert_int_equal(c->live, 0);
  return rc;
}

/* 249 parentheses take bison's stacks past their first 200 slots, so
 * they grow (yyoverflow) through the allocator, never malloc, and out of
 * memory there is POL_ENOMEM too. */
static void parser_stacks_grow_through_the_allocator(void **state) {
  (void)state;
  char src[1024];
  size_t len = nested(src, 249);
  counter c = {0};
  escapes.n = 0;
  escapes.armed = true;
  assert_int_equal(compile_and_run(&c, src, len), POL_OK);
  escapes.armed = false;
  assert_no_escape();
  size_t total = c.calls;
  for (size_t n = 1; n <= total; n++) {
    counter k = {0};
    k.fail_at = sweep_at = n;
    int rc = compile_and_run(&k, src, len);
    if (rc != POL_OK && rc != POL_ENOMEM)
      fail_msg("allocation %zu failing: status %d", n, rc);
  }
}

/* ==== nothing escapes ==================================================== */

/* A writer that keeps nothing. */
static int discard(void *user, const char *data, size_t len) {
  (void)data;
  *(size_t *)user += len;
  return 0;
}

/* Every format, written through a writer, vendor by vendor and in
 * chunks. */
static void write_every_format(const pol_policy *pol, pol_report *rep) {
  for (int f = 0; pol_format_name(f); f++) {
    size_t written = 0;
    pol_writer *w = NULL;
    /* the report's own unknown mode: a writer refuses another's */
    assert_int_equal(pol_writer_new(pol, f, POL_RENDER_COLOR,
                                    POL_UNKNOWN_FAIL, discard, &written, &w),
                     POL_OK);
    const char *text;
    size_t len;
    assert_int_equal(pol_writer_add(w, rep), POL_OK);
    assert_int_equal(pol_report_chunk(rep, w, &text, &len), POL_OK);
    assert_int_equal(pol_writer_add_chunk(w, rep, text, len), POL_OK);
    assert_int_equal(pol_writer_error(w, "bad.json", "no good"), POL_OK);
    assert_int_equal(pol_writer_finish(w), POL_OK);
    assert_true(written > 0);
    pol_writer_free(w);
    assert_non_null(pol_report_render(rep, f, 0));
  }
}

/* Read every fact of every rule (resolving paths and evidence). */
static void read_report(const pol_report *rep, size_t nrules) {
  for (size_t r = 0; r < nrules; r++) {
    assert_non_null(pol_report_verdict(rep, 0, r));
    (void)pol_report_message(rep, 0, r);
    for (size_t k = 0; k < pol_report_fact_count(rep, 0, r); k++) {
      assert_non_null(pol_report_fact_path(rep, 0, r, k));
      (void)pol_report_fact_evidence_of(rep, 0, r, k);
    }
    for (size_t k = 0; k < pol_report_missing_count(rep, 0, r); k++)
      assert_non_null(pol_report_missing_path(rep, 0, r, k));
  }
}

/* Diagnostics of a policy that does not compile, and a listing. */
static void diagnostics_and_listing(pol_env *env, const pol_policy *pol) {
  pol_policy *bad = NULL;
  const char src[] = "rule r { require 1 + }\nimport \"no_such_module\"\n";
  assert_int_equal(pol_policy_compile(env, src, strlen(src), "bad.pol", &bad),
                   POL_ESYNTAX);
  assert_true(pol_diag_count(env) > 0);
  assert_non_null(strstr(pol_diag_render(env, POL_RENDER_EXCERPT), "^"));
  assert_non_null(strstr(pol_policy_disasm(env, pol), "rule"));
}

/* Facts made without JSON, bound literals and values, from a file. */
static void facts_every_way(pol_env *env, pol_ctx *ctx) {
  pol_facts *f = NULL;
  assert_int_equal(pol_facts_new(env, &f), POL_OK);
  pol_builder *b = pol_facts_builder(f);
  const char *keys[] = {"n", "s", "l"};
  const pol_value *items[] = {pol_new_int(b, 1), pol_new_double(b, 2.5)};
  const pol_value *vals[] = {pol_new_uint(b, 3),
                             pol_new_string(b, "文字", strlen("文字")),
                             pol_new_list(b, items, 2)};
  pol_facts_reset(f);
  items[0] = pol_new_int(b, 1);
  items[1] = pol_new_timestamp(b, 0, 0);
  vals[0] = pol_new_duration(b, 90, 0);
  vals[1] = pol_new_bytes(b, "\x01", 1);
  vals[2] = pol_new_list(b, items, 2);
  assert_int_equal(pol_facts_load_value(f, pol_new_map(b, keys, vals, 3)),
                   POL_OK);
  assert_int_equal(pol_facts_bind_literal(f, "x", "[1u, 'a']", 9), POL_OK);
  assert_int_equal(pol_facts_bind_json(f, "j", "{\"a\": [1]}", 10, "j"),
                   POL_OK);
  assert_int_equal(pol_facts_bind_value(f, "v", pol_facts_get(f, "x")),
                   POL_OK);
  assert_non_null(pol_value_format(ctx, pol_facts_get(f, "j")));
  assert_int_equal(pol_facts_load_file(f, "examples/vendors/synergy-crm.json"),
                   POL_OK);
  pol_facts_free(f);
}

/* Nearly every function of pol.h, with a host allocator. */
static void full_workload(counter *c) {
  pol_config cfg = config_for(c);
  pol_env *env;
  pol_policy *pol, *minimal, *back;
  pol_facts *facts;
  pol_ctx *ctx;
  pol_report *rep;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  assert_int_equal(pol_env_add_import_dir(env, "stdlib"), POL_OK);
  assert_int_equal(pol_env_register(env, "twice", "int64(int64)",
                                    (void (*)(void))twice),
                   POL_OK);
  assert_int_equal(pol_policy_compile(env, policy_src, strlen(policy_src),
                                      "oom.pol", &pol),
                   POL_OK);
  assert_int_equal(pol_policy_compile_file(
                       env, "examples/policies/procurement.pol", &minimal),
                   POL_OK);
  new_acme_facts(env, &facts);
  assert_int_equal(pol_ctx_new(env, &ctx), POL_OK);
  assert_int_equal(pol_report_new(pol, POL_UNKNOWN_FAIL, &rep), POL_OK);
  assert_int_equal(pol_check(ctx, rep, facts, "acme.json"), POL_OK);
  read_report(rep, pol_policy_rule_count(pol));
  write_every_format(pol, rep);
  assert_int_equal(pol_report_detach(rep), POL_OK);
  pol_report_reset(rep);
  assert_int_equal(pol_check_rule(ctx, rep, facts, "acme.json", 0), POL_OK);
  pol_report_free(rep);
  assert_int_equal(pol_report_new(minimal, POL_UNKNOWN_FAIL, &rep), POL_OK);
  assert_int_equal(pol_check(ctx, rep, facts, "acme.json"), POL_OK);
  for (int f = 0; pol_format_name(f); f++)
    assert_non_null(pol_report_render(rep, f, 0));
  pol_report_free(rep);
  void *saved;
  size_t len, nproblems;
  assert_int_equal(pol_policy_save(pol, &saved, &len), POL_OK);
  assert_int_equal(pol_policy_load(env, saved, len, "saved", &back), POL_OK);
  pol_free(env, saved);
  const char *problems;
  assert_int_equal(pol_validate(env, back, facts_src, strlen(facts_src),
                                "acme.json", &nproblems, &problems),
                   POL_OK);
  pol_policy_free(back);
  diagnostics_and_listing(env, pol);
  outcome o;
  memset(&o, 0, sizeof o);
  eval_expr(&o, env, ctx, facts);
  assert_string_equal(o.text[T_VALUE], "true");
  facts_every_way(env, ctx);
  pol_ctx_free(ctx);
  pol_facts_free(facts);
  pol_policy_free(minimal);
  pol_policy_free(pol);
  pol_env_free(env);
}

static void nothing_escapes(void **state) {
  (void)state;
  counter c = {0};
  escapes.n = 0;
  escapes.armed = true;
  full_workload(&c);
  escapes.armed = false;
  assert_no_escape();
  assert_false(c.foreign);
  assert_int_equal(c.live, 0);
  assert_int_equal(c.bytes, 0);
  assert_true(c.calls > 1000);
}

/* docs/performance.md: once warm, checking a vendor and writing its
 * NDJSON line (residuals and decisive facts of its UNKNOWN rule
 * included) allocates nothing: every buffer is kept for the next. */
static void a_warm_check_and_line_allocate_nothing(void **state) {
  (void)state;
  counter c = {0};
  pol_config cfg = config_for(&c);
  pol_env *env;
  pol_policy *pol;
  pol_facts *facts;
  pol_ctx *ctx;
  pol_report *rep;
  pol_writer *w;
  sink k = {"", 0};
  open_policy(&cfg, &env, &pol);
  new_acme_facts(env, &facts);
  assert_int_equal(pol_ctx_new(env, &ctx), POL_OK);
  assert_int_equal(pol_report_new(pol, POL_UNKNOWN_FAIL, &rep), POL_OK);
  assert_int_equal(pol_writer_new(pol, POL_FORMAT_NDJSON, 0,
                                  POL_UNKNOWN_FAIL, into_sink, &k, &w),
                   POL_OK);
  size_t warm = 0;
  for (int i = 0; i < 6; i++) {
    const char *text;
    size_t len;
    if (i == 3)
      warm = c.calls;
    pol_report_reset(rep);
    assert_int_equal(pol_check(ctx, rep, facts, "acme.json"), POL_OK);
    assert_int_equal(pol_report_chunk(rep, w, &text, &len), POL_OK);
    assert_non_null(strstr(text, "\"passes_if\":\"missing.count > 0\""));
  }
  assert_int_equal(c.calls, warm);
  pol_writer_free(w);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(facts);
  pol_policy_free(pol);
  pol_env_free(env);
  assert_int_equal(c.live, 0);
}

/* The same workload on libc: the wrapped calls are the library's own. */
static void default_allocator_is_libc(void **state) {
  (void)state;
  pol_env *env;
  pol_policy *pol;
  escapes.n = 0;
  escapes.armed = true;
  open_policy(NULL, &env, &pol);
  void *saved;
  size_t len;
  assert_int_equal(pol_policy_save(pol, &saved, &len), POL_OK);
  escapes.armed = false;
  assert_true(escapes.n > 0);
  escapes.n = 0;
  free(saved); /* pol.h: free() is right without an allocator */
  pol_free(NULL, NULL);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A saved buffer comes from the allocator and pol_free gives it back. */
static void saved_buffer_is_the_allocators(void **state) {
  (void)state;
  counter c = {0};
  pol_config cfg = config_for(&c);
  pol_env *env;
  pol_policy *pol;
  open_policy(&cfg, &env, &pol);
  long before = c.live;
  void *saved;
  size_t len;
  assert_int_equal(pol_policy_save(pol, &saved, &len), POL_OK);
  assert_int_equal(c.live, before + 1);
  assert_int_equal(((header *)saved - 1)->h.mark, MARK);
  pol_free(env, saved);
  assert_int_equal(c.live, before);
  pol_policy_free(pol);
  pol_env_free(env);
  assert_int_equal(c.live, 0);
}

/* pol_env_new itself: the env comes from the allocator, and a failure
 * of its first allocation is POL_ENOMEM with *out NULL. */
static void env_from_the_allocator(void **state) {
  (void)state;
  counter c = {0};
  c.fail_at = 1;
  pol_config cfg = config_for(&c);
  pol_env *env = (pol_env *)&c;
  assert_int_equal(pol_env_new(&cfg, &env), POL_ENOMEM);
  assert_null(env);
  c.fail_at = 0;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  assert_true(c.live > 0);
  pol_env_free(env);
  assert_int_equal(c.live, 0);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(env_from_the_allocator),
      cmocka_unit_test(saved_buffer_is_the_allocators),
      cmocka_unit_test(default_allocator_is_libc),
      cmocka_unit_test(nothing_escapes),
      cmocka_unit_test(a_warm_check_and_line_allocate_nothing),
      cmocka_unit_test(out_of_memory_everywhere),
      cmocka_unit_test(parser_stacks_grow_through_the_allocator),
  };
  return RUN_TESTS("alloc", tests, argc, argv);
}
