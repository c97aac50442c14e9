/*
 * contract_threads.c: the thread promises of pol.h (one policy, program
 * and fact set shared by threads, each with its own ctx and report; a
 * ctx handed from thread to thread; pol_report_chunk from many threads),
 * host functions, the custom allocator, validation and listings.
 */
#define _POSIX_C_SOURCE 200809L
#include "contract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { NTHREADS = 8, ROUNDS = 25 };

/* {==== threads ============================================================ */

static atomic_long host_calls;
static int64_t counted_double(int64_t x) {
  atomic_fetch_add(&host_calls, 1);
  return 2 * x;
}

typedef struct {
  pol_env *env;
  const pol_policy *pol;
  const pol_program *prog;
  const pol_facts *facts;
  const char *want_json; /* the serial run's JSON report */
  int64_t want_value;
  int mismatches;
} shared_run;

/* One thread: its own ctx and report, the shared policy, program and
 * facts; every round must give what the serial run gave. */
static void *check_thread(void *arg) {
  shared_run *run = arg;
  pol_ctx *ctx = NULL;
  pol_report *rep = NULL;
  const pol_value *v;
  if (pol_ctx_new(run->env, &ctx) != POL_OK ||
      pol_report_new(run->pol, POL_UNKNOWN_FAIL, &rep) != POL_OK) {
    run->mismatches++;
    return NULL;
  }
  for (int i = 0; i < ROUNDS; i++) {
    const char *json;
    if (pol_check(ctx, rep, run->facts, "in/a.json") != POL_OK)
      run->mismatches++;
    json = pol_report_render(rep, POL_FORMAT_JSON, 0);
    if (!json || strcmp(json, run->want_json) != 0)
      run->mismatches++;
    pol_report_reset(rep);
    if (pol_eval(ctx, run->prog, run->facts, &v) != POL_OK ||
        pol_value_int(v) != run->want_value)
      run->mismatches++;
  }
  pol_report_free(rep);
  pol_ctx_free(ctx);
  return NULL;
}

static void test_threads_shared(void) {
  pol_env *env = env_default();
  pol_policy *pol;
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  pol_program *prog = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep;
  const pol_value *v = NULL;
  const char *expr = "t.double(backup.generations) + size(data.countries)";
  shared_run runs[NTHREADS];
  pthread_t tid[NTHREADS];
  char *want;
  int bad = 0, started = 1;
  test_name = "threads: one policy, one fact set";
  CHECK_RC(pol_env_register(env, "t.double", "int64(int64)",
                            (void (*)(void))counted_double), POL_OK);
  pol = policy_of(env, POLICY, "c.pol");
  CHECK_RC(pol_compile_expr(env, expr, strlen(expr), "e.cel", NULL, &prog),
           POL_OK);
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, f, "in/a.json"), POL_OK);
  want = dup_str(pol_report_render(rep, POL_FORMAT_JSON, 0));
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(pol_value_int(v) == 16);
  atomic_store(&host_calls, 0);
  for (int t = 0; t < NTHREADS; t++) {
    runs[t] = (shared_run){env, pol, prog, f, want, 16, 0};
    if (pthread_create(&tid[t], NULL, check_thread, &runs[t]) != 0)
      started = 0, runs[t].mismatches = -1;
  }
  for (int t = 0; t < NTHREADS; t++) {
    if (runs[t].mismatches >= 0)
      pthread_join(tid[t], NULL);
    bad += runs[t].mismatches != 0;
  }
  CHECK(started);
  CHECK(bad == 0);
  CHECK(atomic_load(&host_calls) == NTHREADS * ROUNDS);
  free(want);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_program_free(prog);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A ctx is used by one thread at a time, not always the same one. */
typedef struct {
  pol_ctx *ctx;
  pol_report *rep;
  const pol_facts *facts;
  int rc;
} handoff;

static void *handoff_thread(void *arg) {
  handoff *h = arg;
  h->rc = pol_check(h->ctx, h->rep, h->facts, "in/b.json");
  return NULL;
}

static void test_threads_handoff(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_B, "in/b.json");
  handoff h = {ctx_of(env), report_of(pol, POL_UNKNOWN_FAIL), f, -1};
  pthread_t tid;
  int same = 1;
  test_name = "threads: a ctx handed on";
  for (int t = 0; t < 3; t++) {
    h.rc = -1;
    CHECK(pthread_create(&tid, NULL, handoff_thread, &h) == 0 &&
          pthread_join(tid, NULL) == 0);
    CHECK_RC(h.rc, POL_OK);
  }
  CHECK(pol_report_vendor_count(h.rep) == 3);
  for (size_t r = 0; r < NRULES; r++)
    if (pol_report_verdict_code(h.rep, 2, r) != VERDICTS_B[r])
      same = 0;
  CHECK(same);
  pol_report_free(h.rep);
  pol_ctx_free(h.ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_report_chunk on many threads at once with one writer; the chunks
 * added in input order give what pol_writer_add gives. */
typedef struct {
  pol_env *env;
  const pol_policy *pol;
  const pol_writer *w;
  int vendor;
  pol_report *rep;
  pol_facts *facts;
  const char *text;
  size_t len;
  int rc;
} chunk_job;

static void *chunk_thread(void *arg) {
  chunk_job *j = arg;
  pol_ctx *ctx = NULL;
  const char *src = SOURCES[j->vendor % 3];
  j->rc = pol_ctx_new(j->env, &ctx);
  if (j->rc == POL_OK)
    j->rc = pol_check(ctx, j->rep, j->facts, src);
  if (j->rc == POL_OK)
    j->rc = pol_report_chunk(j->rep, j->w, &j->text, &j->len);
  pol_ctx_free(ctx);
  return NULL;
}

static char *serial_output(pol_env *env, const pol_policy *pol, int format,
                           pol_facts *const *facts) {
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_writer *w = NULL;
  sbuf out = {0};
  pol_writer_new(pol, format, 0, POL_UNKNOWN_FAIL, sbuf_write, &out, &w);
  for (int i = 0; i < NTHREADS; i++) {
    pol_check(ctx, rep, facts[i], SOURCES[i % 3]);
    pol_writer_add(w, rep);
    pol_report_reset(rep);
  }
  pol_writer_finish(w);
  pol_writer_free(w);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  return out.p ? out.p : dup_str("");
}

static void chunks_for_format(pol_env *env, const pol_policy *pol,
                              int format, pol_facts *const *facts) {
  chunk_job jobs[NTHREADS];
  pthread_t tid[NTHREADS];
  pol_writer *w = NULL;
  sbuf out = {0};
  int ok = 1;
  char *want = serial_output(env, pol, format, facts);
  CHECK_RC(pol_writer_new(pol, format, 0, POL_UNKNOWN_FAIL, sbuf_write, &out,
                          &w), POL_OK);
  for (int t = 0; t < NTHREADS; t++) {
    jobs[t] = (chunk_job){env, pol, w, t, report_of(pol, POL_UNKNOWN_FAIL),
                          facts[t], NULL, 0, -1};
    if (pthread_create(&tid[t], NULL, chunk_thread, &jobs[t]) != 0)
      exit(2);
  }
  for (int t = 0; t < NTHREADS; t++) {
    pthread_join(tid[t], NULL);
    ok = ok && jobs[t].rc == POL_OK &&
         pol_writer_add_chunk(w, jobs[t].rep, jobs[t].text, jobs[t].len) ==
             POL_OK;
  }
  CHECK(ok);
  CHECK_RC(pol_writer_finish(w), POL_OK);
  CHECK_STR(sbuf_text(&out), want);
  for (int t = 0; t < NTHREADS; t++)
    pol_report_free(jobs[t].rep);
  pol_writer_free(w);
  free(out.p);
  free(want);
}

static void test_threads_chunks(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *facts[NTHREADS];
  test_name = "threads: report chunks";
  for (int i = 0; i < NTHREADS; i++)
    facts[i] = facts_of(env, VENDORS[i % 3], SOURCES[i % 3]);
  for (int fmt = POL_FORMAT_TEXT; fmt <= POL_FORMAT_NDJSON; fmt++)
    chunks_for_format(env, pol, fmt, facts);
  for (int i = 0; i < NTHREADS; i++)
    pol_facts_free(facts[i]);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Everything a host reads off a shared policy at once: threads with
 * their own fact sets (loaded and assumed), ctx and report, the policy,
 * a fact set and waivers shared, every format rendered, the residuals,
 * explanations and lints, each the same as a serial run's (TSan in
 * make contract-san says whether anything shared is written). */
typedef struct {
  pol_env *env;
  const pol_policy *pol;
  const pol_facts *shared;
  const pol_waivers *wv;
  unsigned long want; /* the serial run's digest */
  unsigned long got;
} all_run;

static unsigned long digest(unsigned long h, const char *s) {
  for (h = h * 31 + 7; s && *s; s++)
    h = h * 131 + (unsigned char)*s;
  return h;
}

static unsigned long read_everything(pol_env *env, const pol_policy *pol,
                                     const pol_facts *shared,
                                     const pol_waivers *wv) {
  unsigned long h = 0;
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_WARN);
  pol_facts *own = facts_of(env, VENDOR_A, "a.json");
  pol_explain *x = NULL;
  pol_lints *lints = NULL;
  const pol_facts *vendors[2] = {own, shared};
  pol_report_set_waivers(rep, wv);
  pol_report_set_as_of(rep, "2026-06-01");
  pol_facts_assume(own, "incident.hours=48");
  pol_check(ctx, rep, own, "a.json");
  pol_check(ctx, rep, shared, "c.json");
  for (int fmt = POL_FORMAT_TEXT; fmt <= POL_FORMAT_QUESTIONS_CSV; fmt++)
    h = digest(h, pol_report_render(rep, fmt, 0));
  for (size_t i = 0; i < pol_report_vendor_count(rep); i++)
    for (size_t r = 0; r < NRULES; r++) {
      h = digest(h, pol_report_residual(rep, i, r));
      for (size_t k = 0; k < pol_report_fact_count(rep, i, r); k++)
        h = digest(h, pol_report_fact_path(rep, i, r, k));
    }
  if (pol_explain_new(pol, &x) == POL_OK)
    for (size_t r = 0; r < NRULES; r++)
      if (pol_explain_rule(x, vendors[r & 1], r, r & 2 ? "en" : "ja") ==
          POL_OK)
        h = digest(h, pol_explain_render(x, POL_FORMAT_JSON));
  if (pol_lint(pol, vendors, 2, POL_LINT_VERBOSE, &lints) == POL_OK)
    h += pol_lints_count(lints);
  pol_lints_free(lints);
  pol_explain_free(x);
  pol_report_free(rep);
  pol_facts_free(own);
  pol_ctx_free(ctx);
  return h;
}

static void *all_thread(void *arg) {
  all_run *run = arg;
  run->got = read_everything(run->env, run->pol, run->shared, run->wv);
  return NULL;
}

static void test_threads_everything(void) {
  pol_env *env = env_with(0, 0, POL_KEEP_SOURCE);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *shared = facts_of(env, VENDOR_C, "c.json");
  pol_waivers *wv = NULL;
  pol_waiver w = POL_WAIVER_INIT;
  all_run runs[4];
  pthread_t tid[4];
  int same = 0;
  test_name = "threads: every reading of one policy at once";
  CHECK_RC(pol_waivers_new(pol, &wv), POL_OK);
  w.rule = "region";
  w.vendor = "ACME株式会社";
  w.owner = "o";
  CHECK_RC(pol_waivers_add(wv, &w), POL_OK);
  unsigned long want = read_everything(env, pol, shared, wv);
  int started[4];
  for (int t = 0; t < 4; t++) {
    runs[t] = (all_run){env, pol, shared, wv, want, 0};
    started[t] = pthread_create(&tid[t], NULL, all_thread, &runs[t]) == 0;
  }
  for (int t = 0; t < 4; t++) {
    if (started[t])
      pthread_join(tid[t], NULL);
    same += started[t] && runs[t].got == want;
  }
  CHECK(same == 4);
  pol_waivers_free(wv);
  pol_facts_free(shared);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* No global mutable state: envs made and used on threads at once. */
static void *own_env_thread(void *arg) {
  int *ok = arg;
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  pol_facts *f = NULL;
  pol_ctx *ctx = NULL;
  pol_report *rep = NULL;
  *ok = pol_env_new(NULL, &env) == POL_OK &&
        pol_policy_compile(env, POLICY, strlen(POLICY), "c.pol", &pol) ==
            POL_OK &&
        pol_facts_new(env, &f) == POL_OK &&
        pol_facts_load_json(f, VENDOR_C, strlen(VENDOR_C), "c.json") ==
            POL_OK &&
        pol_ctx_new(env, &ctx) == POL_OK &&
        pol_report_new(pol, POL_UNKNOWN_FAIL, &rep) == POL_OK &&
        pol_check(ctx, rep, f, "c.json") == POL_OK &&
        pol_report_verdict_code(rep, 0, R_REGION) == POL_PASS;
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
  return NULL;
}

static void test_threads_own_envs(void) {
  pthread_t tid[NTHREADS];
  int ok[NTHREADS], all = 1;
  test_name = "threads: one env each";
  for (int t = 0; t < NTHREADS; t++)
    if (pthread_create(&tid[t], NULL, own_env_thread, &ok[t]) != 0)
      exit(2);
  for (int t = 0; t < NTHREADS; t++) {
    pthread_join(tid[t], NULL);
    all = all && ok[t];
  }
  CHECK(all);
}

/* Compiling on an env while other threads check policies compiled
 * through it: the env compiles from one thread at a time, and compiled
 * policies are immutable, so this is the ordinary pattern of a host that
 * caches policies and adds new ones while serving. */
static void test_threads_compile_while_checking(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  pol_program *prog = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  shared_run runs[4];
  pthread_t tid[4];
  char *want;
  int bad = 0, compiled = 0;
  const char *expr = "size(data.countries)";
  test_name = "threads: compile while checking";
  CHECK_RC(pol_compile_expr(env, expr, strlen(expr), NULL, NULL, &prog),
           POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "in/a.json"), POL_OK);
  want = dup_str(pol_report_render(rep, POL_FORMAT_JSON, 0));
  for (int t = 0; t < 4; t++) {
    runs[t] = (shared_run){env, pol, prog, f, want, 2, 0};
    if (pthread_create(&tid[t], NULL, check_thread, &runs[t]) != 0)
      exit(2);
  }
  for (int i = 0; i < 20; i++) {
    pol_policy *other = NULL;
    pol_program *p2 = NULL;
    compiled += pol_policy_compile(env, POLICY, strlen(POLICY), "o.pol",
                                   &other) == POL_OK;
    compiled += pol_compile_expr(env, "1 +", 3, NULL, NULL, &p2) ==
                POL_ESYNTAX;
    pol_policy_free(other);
  }
  for (int t = 0; t < 4; t++) {
    pthread_join(tid[t], NULL);
    bad += runs[t].mismatches != 0;
  }
  CHECK(compiled == 40);
  CHECK(bad == 0);
  free(want);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_program_free(prog);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Fact sets of one env, each used by one thread, bind literals while
 * another thread compiles on the env: a bind is a call on its fact set,
 * not a compile on the env (pol.h asks one thread at a time of the env's
 * compiles only). It compiled through the env (TSan: a data race on the
 * env's diagnostics). */
static void *bind_thread(void *arg) {
  pol_facts *f = arg;
  for (int i = 0; i < ROUNDS; i++)
    if (pol_facts_bind_literal(f, "limit", "[7, 'x']", 8) != POL_OK ||
        pol_facts_bind_literal(f, "bad", "1 +", 3) != POL_EFORMAT)
      return f;
  return NULL;
}

static void test_threads_bind_literals(void) {
  pol_env *env = env_default();
  pol_facts *f[4] = {NULL};
  pthread_t tid[4];
  int bad = 0, compiled = 0;
  test_name = "threads: bind literals while compiling";
  for (int t = 0; t < 4; t++)
    if (pol_facts_new(env, &f[t]) != POL_OK ||
        pthread_create(&tid[t], NULL, bind_thread, f[t]) != 0)
      exit(2);
  for (int i = 0; i < ROUNDS; i++) {
    pol_program *p = NULL;
    compiled += pol_compile_expr(env, "2 *", 3, NULL, NULL, &p) ==
                POL_ESYNTAX;
  }
  for (int t = 0; t < 4; t++) {
    void *failed_set;
    pthread_join(tid[t], &failed_set);
    bad += failed_set != NULL;
    CHECK(pol_value_len(pol_facts_get(f[t], "limit")) == 2);
    pol_facts_free(f[t]);
  }
  CHECK(compiled == ROUNDS);
  CHECK(bad == 0);
  CHECK_HAS(pol_env_errmsg(env), "<expr>:1:4:");
  pol_env_free(env);
}

/* }==== */

/* {==== host functions ===================================================== */

static const pol_value *first_or(pol_builder *b, const pol_value *const *args,
                                 size_t n, void *user) {
  (void)n;
  ++*(int *)user;
  if (pol_value_type(args[0]) != POL_T_LIST)
    return pol_new_error(b, "first_or: a list expected");
  return pol_value_len(args[0]) ? pol_value_at(args[0], 0) : args[1];
}

static int64_t strlen64(const char *s) { return (int64_t)strlen(s); }

static void test_host_functions(void) {
  pol_env *env = env_default();
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog = NULL;
  const pol_value *v;
  int calls = 0;
  const char *e1 = "h.len('日本') + first_or([], 1)";
  const char *e2 = "first_or(1, 2)";
  test_name = "host functions";
  CHECK_RC(pol_env_register(env, "h.len", "int64(string)",
                            (void (*)(void))strlen64), POL_OK);
  CHECK_RC(pol_env_register(env, "h.bad", "float(int64)",
                            (void (*)(void))strlen64), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "unknown type 'float'");
  CHECK_RC(pol_env_register(env, "size", "int64(string)",
                            (void (*)(void))strlen64), POL_EINVAL);
  CHECK_RC(pol_env_register(env, "h.len", "int64(string)",
                            (void (*)(void))strlen64), POL_EINVAL);
  CHECK_RC(pol_env_register_value_fn(env, "first_or", 2, 2, first_or,
                                     &calls), POL_OK);
  CHECK_RC(pol_compile_expr(env, e1, strlen(e1), NULL, NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  CHECK(pol_value_int(v) == 7); /* 6 bytes + 1 */
  CHECK(calls == 1);
  pol_program_free(prog);
  CHECK_RC(pol_compile_expr(env, e2, strlen(e2), "e2.cel", NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_HAS(pol_ctx_errmsg(ctx), "first_or: a list expected");
  pol_program_free(prog);
  CHECK_RC(compile_status(env, "h.len('a', 'b')"), POL_ESYNTAX);
  CHECK_RC(compile_status(env, "first_or(1)"), POL_ESYNTAX);
  CHECK_RC(pol_env_load_plugin(env, "/nonexistent/plugin.so"), POL_EIO);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

/* }==== */

/* {==== custom allocator =================================================== */

/* A realloc-style allocator that counts its live blocks. Each block
 * carries its size in front, so that the counts are exact. */
typedef struct {
  long calls, live;
  void *recent[64]; /* blocks handed out while [recording] */
  int nrecent, recording;
} counting;

typedef union {
  size_t size;
  max_align_t align;
} block_head;

static void *count_alloc(void *user, void *ptr, size_t size) {
  counting *c = user;
  block_head *h = ptr ? (block_head *)ptr - 1 : NULL;
  c->calls++;
  if (size == 0) {
    c->live -= h != NULL;
    free(h);
    return NULL;
  }
  block_head *n = realloc(h, sizeof *n + size);
  if (!n)
    return NULL;
  c->live += h == NULL;
  n->size = size;
  if (c->recording && c->nrecent < 64)
    c->recent[c->nrecent++] = n + 1;
  return n + 1;
}

static int was_recent(const counting *c, const void *p) {
  for (int i = 0; i < c->nrecent; i++)
    if (c->recent[i] == p)
      return 1;
  return 0;
}

static void test_custom_allocator(void) {
  counting c = {0};
  pol_config cfg;
  pol_env *env = NULL;
  pol_policy *pol;
  pol_facts *f;
  pol_ctx *ctx;
  pol_report *rep;
  void *buf = NULL;
  size_t len = 0;
  int from_alloc;
  test_name = "custom allocator";
  pol_config_init(&cfg);
  cfg.alloc = count_alloc;
  cfg.alloc_user = &c;
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  CHECK(c.calls > 0 && c.live > 0); /* the env itself */
  pol = policy_of(env, POLICY, "c.pol");
  f = facts_of(env, VENDOR_A, "a.json");
  ctx = ctx_of(env);
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, f, "a.json"), POL_OK);
  CHECK(pol_report_render(rep, POL_FORMAT_JSON, 0) != NULL);
  c.recording = 1;
  CHECK_RC(pol_policy_save(pol, &buf, &len), POL_OK);
  c.recording = 0;
  /* pol.h: a buffer from the env's allocator, freed with pol_free */
  from_alloc = was_recent(&c, buf);
  CHECK(from_alloc);
  pol_free(env, buf);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
  CHECK(c.live == 0); /* every block it handed out came back */
}

/* An allocator that fails: POL_ENOMEM, never a crash. */
typedef struct {
  long left; /* allocations to allow before failing */
} failing;

static void *fail_alloc(void *user, void *ptr, size_t size) {
  failing *fl = user;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (fl->left-- <= 0)
    return NULL;
  return realloc(ptr, size);
}

static void test_allocator_failure(void) {
  pol_config cfg;
  int enomem = 0, other = 0;
  test_name = "allocator failure";
  pol_config_init(&cfg);
  cfg.alloc = fail_alloc;
  for (long n = 0; n < 400; n += 7) {
    failing fl = {n};
    pol_env *env = NULL;
    pol_policy *pol = NULL;
    int rc;
    cfg.alloc_user = &fl;
    rc = pol_env_new(&cfg, &env);
    if (rc == POL_OK)
      rc = pol_policy_compile(env, POLICY, strlen(POLICY), "c.pol", &pol);
    enomem += rc == POL_ENOMEM;
    other += rc != POL_ENOMEM && rc != POL_OK;
    pol_policy_free(pol);
    pol_env_free(env);
  }
  CHECK(enomem > 0);
  CHECK(other == 0);
}

/* Out of memory at any point of pol_lint or pol_format gives POL_ENOMEM
 * (or, where they can do without, POL_OK), never a crash: a fact path
 * the lint analysis could not print was looked up as a let by a NULL
 * name (strlen(NULL)), and a line pol_format could not copy was written
 * out from "" with the line's length (a read past a static string,
 * ASan). The allocator fails from the [left]th block on. */
typedef struct {
  long left; /* blocks to allow; -1: no limit */
} budget;

static void *budget_alloc(void *user, void *ptr, size_t size) {
  budget *b = user;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (b->left == 0)
    return NULL;
  b->left -= b->left > 0;
  return realloc(ptr, size);
}

static const char OOM_SRC[] =
    "must a: backup.generations >= 7 && data.region == \"JP\"  // c\n"
    "should b: vendor.name < \"M\" || incident.hours <= 24\n";

/* What [what] gives with [n] blocks to allocate: the status, and in
 * *[done] whether it needed fewer. */
static int under_budget(int what, long n, int *done) {
  pol_config cfg;
  budget b = {-1};
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  pol_lints *lints = NULL;
  int rc = POL_OK;
  pol_config_init(&cfg);
  cfg.alloc = budget_alloc;
  cfg.alloc_user = &b;
  cfg.flags = POL_KEEP_SOURCE;
  if (pol_env_new(&cfg, &env) == POL_OK &&
      pol_policy_compile(env, OOM_SRC, strlen(OOM_SRC), "l.pol", &pol) ==
          POL_OK) {
    const char *text;
    size_t len;
    b.left = n;
    rc = what ? pol_format(env, OOM_SRC, strlen(OOM_SRC), "l.pol", &text,
                           &len)
              : pol_lint(pol, NULL, 0, 0, &lints);
    *done = rc == POL_OK && b.left > 0;
    if (rc == POL_ENOMEM && lints)
      rc = -1;
  }
  pol_lints_free(lints);
  pol_policy_free(pol);
  pol_env_free(env);
  return rc;
}

static void test_tools_allocator_failure(void) {
  test_name = "pol_lint and pol_format out of memory";
  for (int what = 0; what < 2; what++) {
    int other = 0, done = 0;
    for (long n = 0; n < 20000 && !done; n += 1 + n / 64) {
      int rc = under_budget(what, n, &done);
      other += rc != POL_OK && rc != POL_ENOMEM;
    }
    CHECK(done);
    CHECK(other == 0);
  }
}

/* A warm streaming loop (reset, load, check, write, reset) makes no
 * allocation: pol.h says pol_facts_reset and pol_check allocate nothing
 * once warm. Counted through the allocator, which sees every block. */
static void test_warm_loop(void) {
  counting c = {0};
  pol_config cfg;
  pol_env *env = NULL;
  pol_policy *pol;
  pol_facts *f = NULL;
  pol_ctx *ctx;
  pol_report *rep;
  long before = 0;
  int ok = 1;
  test_name = "warm loop allocates nothing";
  pol_config_init(&cfg);
  cfg.alloc = count_alloc;
  cfg.alloc_user = &c;
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  pol = policy_of(env, POLICY, "c.pol");
  ctx = ctx_of(env);
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  for (int round = 0; round < 12; round++) {
    const char *v = VENDORS[round % 3];
    if (round == 6)
      before = c.calls;
    pol_facts_reset(f);
    ok = ok && pol_facts_load_json(f, v, strlen(v), "v.json") == POL_OK &&
         pol_check(ctx, rep, f, "v.json") == POL_OK;
    pol_report_reset(rep);
  }
  CHECK(ok);
  CHECK(c.calls == before);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
  CHECK(c.live == 0);
}

/* }==== */

/* {==== validation and listings ============================================ */

static void test_validate(void) {
  pol_env *env = env_default();
  const char *schema_src = "fact backup.generations: int \"世代数\"\n"
                           "must g: backup.generations >= 7\n";
  pol_policy *schema = policy_of(env, schema_src, "s.pol");
  pol_policy *none = policy_of(env, "must x: true\n", "n.pol");
  const char *good = "{\"backup\": {\"generations\": 7}}";
  const char *bad = "{\"backup\": {\"generations\": \"7\"}}";
  size_t count = 99;
  const char *problems = NULL;
  const char *typo_src = "fact a.bc: int \"x\"\nmust r: a.bd > 1\n";
  pol_policy *typo = NULL;
  test_name = "pol_validate";
  CHECK_RC(pol_validate(env, schema, good, strlen(good), "g.json", &count,
                        &problems), POL_OK);
  CHECK(count == 0);
  CHECK_RC(pol_validate(env, schema, bad, strlen(bad), "b.json", &count,
                        &problems), POL_OK);
  CHECK(count == 1);
  CHECK_PREFIX(problems, "b.json:1:");
  CHECK_HAS(problems, "backup.generations");
  /* a failing call leaves no count of the previous text's problems */
  CHECK_RC(pol_validate(env, schema, "{", 1, "x.json", &count, &problems),
           POL_EFORMAT);
  CHECK_PREFIX(pol_env_errmsg(env), "x.json:1:");
  CHECK(count == 0);
  CHECK_STR(problems, "");
  count = 99;
  /* a record of a stream: positions count from its first line, also for
   * a key on the record's second line and for a JSON error */
  const char *two = "{\"backup\":\n {\"generations\": \"7\"}}";
  CHECK_RC(pol_validate_record(env, schema, two, strlen(two), "s.ndjson", 41,
                               &count, &problems), POL_OK);
  CHECK(count == 1);
  CHECK_PREFIX(problems, "s.ndjson:42:3: backup.generations");
  CHECK_RC(pol_validate_record(env, schema, "{\n,", 3, "s.ndjson", 41,
                               &count, &problems), POL_EFORMAT);
  CHECK_PREFIX(pol_env_errmsg(env), "s.ndjson:42:");
  CHECK_RC(pol_validate_record(env, schema, "[]", 2, "s.ndjson", 7, &count,
                               &problems), POL_OK);
  CHECK_PREFIX(problems, "s.ndjson:7:1: a fact set must be");
  CHECK_RC(pol_validate(env, none, good, strlen(good), "g.json", &count,
                        &problems), POL_EINVAL);
  CHECK(count == 0);
  /* the schema also checks the policy's own fact paths */
  CHECK_RC(pol_policy_compile(env, typo_src, strlen(typo_src), "typo.pol",
                              &typo), POL_ESYNTAX);
  CHECK_HAS(pol_env_errmsg(env), "did you mean");
  pol_policy_free(none);
  pol_policy_free(schema);
  pol_env_free(env);
}

static void test_disasm(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_program *prog = NULL;
  const char *listing;
  test_name = "listings";
  CHECK_RC(pol_compile_expr(env, "1 + x", 5, NULL, NULL, &prog), POL_OK);
  listing = pol_program_disasm(env, prog);
  CHECK(listing != NULL && listing[0] != '\0');
  listing = pol_policy_disasm(env, pol);
  CHECK_HAS(listing, "backup_generations");
  CHECK_HAS(listing, "mfa");
  pol_program_free(prog);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

void contract_thread_tests(void) {
  test_threads_shared();
  test_threads_handoff();
  test_threads_chunks();
  test_threads_everything();
  test_threads_own_envs();
  test_threads_compile_while_checking();
  test_threads_bind_literals();
  test_host_functions();
  test_custom_allocator();
  test_allocator_failure();
  test_tools_allocator_failure();
  test_warm_loop();
  test_validate();
  test_disasm();
}
