/*
 * bench.c: `make bench` (tests/bench/README.md, docs/performance.md).
 * Three workloads shaped like real use, each beside a peer or a floor
 * measured in the same run, so that the ratios mean something on a
 * shared, noisy machine:
 *
 *   t1 POLICY VENDOR.json [VENDORS.ndjson]
 *      hot: the policy compiled and the facts loaded once. Per rule:
 *      the hand-written C floor (floor.c, 40-rule policy only), the VM
 *      evaluating each rule with no report (what pol_eval runs), pol_check
 *      with the full report, and pol_check plus writing the vendor's
 *      NDJSON line. Heap allocations per check. With VENDORS, the same
 *      over many different vendors (caches cold, as in a stream).
 *   scale POLICY VENDOR.json   ns per rule of pol_check (for the policies
 *      of 10, 100 and 1,000 rules) or per check (fact sets of 1 KB to
 *      1 MB), one line.
 *   prof WORK POLICY VENDOR.json N [RULE]   N calls of one workload,
 *      for callgrind (tests/bench/rules.sh); ids POLICY: its rule ids.
 *   run OUT ARG...             run policyc ARG... with stdout to OUT and
 *      print wall time, user+sys time and peak RSS (T2, T3).
 *
 * Timing: CLOCK_MONOTONIC, the median of 5 rounds. No test depends on
 * these numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "floor.h"
#include "handles.h"
#include "json.h"
#include "pol.h"

static size_t nallocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) { nallocs++; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { nallocs++; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { nallocs++; return __real_realloc(p, n); }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "bench: cannot read %s\n", path);
    exit(2);
  }
  size_t cap = 1 << 16, n = 0, got;
  char *p = malloc(cap + 1);
  while ((got = fread(p + n, 1, cap - n, f)) > 0)
    if ((n += got) == cap)
      p = realloc(p, (cap *= 2) + 1);
  fclose(f);
  p[n] = '\0';
  *len = n;
  return p;
}

/* ==== timing ============================================================= */

typedef void (*work_fn)(void *arg);

/* Median of 5 rounds of [iters] calls of [fn], in ns per call. */
static double time_it(work_fn fn, void *arg, long iters) {
  double r[5];
  fn(arg); /* warm: arenas, caches */
  for (int k = 0; k < 5; k++) {
    double t0 = now();
    for (long i = 0; i < iters; i++)
      fn(arg);
    r[k] = (now() - t0) * 1e9 / (double)iters;
  }
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      if (r[j] < r[i]) {
        double t = r[i];
        r[i] = r[j];
        r[j] = t;
      }
  return r[2];
}

/* Enough iterations for about 0.2 s a round at [ns] per call. */
static long iters_for(double ns) {
  long n = (long)(2e8 / (ns > 1 ? ns : 1));
  return n < 10 ? 10 : n;
}

/* ==== the engine ========================================================= */

typedef struct bench {
  pol_env *env;
  pol_policy *pol;
  pol_ctx *ctx;
  pol_report *rep;
  pol_writer *w;
  pol_facts **facts;   /* one per vendor */
  size_t nfacts, cur;
  long only;           /* bench prof's rule, or -1 for all */
  floor fl;
  val *parsed;         /* the floor's view of each vendor */
  const char *text;    /* the first vendor's JSON */
  size_t len;
  arena a;
  vm v;
} bench;

static int discard(void *user, const char *data, size_t len) {
  (void)user;
  (void)data;
  (void)len;
  return 0;
}

static void open_policy(bench *b, const char *path) {
  size_t len;
  char *src = slurp(path, &len);
  if (pol_env_new(NULL, &b->env) != POL_OK ||
      pol_policy_compile(b->env, src, len, path, &b->pol) != POL_OK) {
    fprintf(stderr, "bench: %s\n", pol_env_errmsg(b->env));
    exit(2);
  }
  free(src);
  pol_ctx_new(b->env, &b->ctx);
  pol_report_new(b->pol, POL_UNKNOWN_FAIL, &b->rep);
  pol_writer_new(b->pol, POL_FORMAT_NDJSON, 0, POL_UNKNOWN_FAIL, discard,
                 NULL, &b->w);
  vm_init(&b->v, 0, 0, NULL);
  arena_init(&b->a, 0, NULL);
  floor_init(&b->fl);
}

/* Load each record of [text] as a vendor (one JSON object, or NDJSON). */
static void load_vendors(bench *b, const char *text, size_t len,
                         size_t max) {
  size_t pos = 0;
  b->facts = calloc(max, sizeof *b->facts);
  b->parsed = calloc(max, sizeof *b->parsed);
  while (b->nfacts < max && pos < len) {
    pol_facts *f;
    pol_facts_new(b->env, &f);
    size_t at = pos;
    if (pol_facts_load_json_next(f, text, len, &pos, "bench") != POL_OK) {
      pol_facts_free(f);
      break;
    }
    json_parse_next(&b->a, text, len, &at, &b->parsed[b->nfacts], NULL);
    b->facts[b->nfacts++] = f;
    while (pos < len && strchr(" \t\r\n", text[pos]))
      pos++;
  }
}

static const pol_facts *next_facts(bench *b) {
  const pol_facts *f = b->facts[b->cur];
  b->cur = (b->cur + 1) % b->nfacts;
  return f;
}

/* The floor: the 40 rules by hand over the parsed facts. */
static void w_floor(void *arg) {
  bench *b = arg;
  char out[FLOOR_RULES];
  if (b->only >= 0)
    out[0] = floor_check_rule(&b->fl, &b->parsed[b->cur], (size_t)b->only);
  else
    floor_check(&b->fl, &b->parsed[b->cur], out);
  (void)out;
  b->cur = (b->cur + 1) % b->nfacts;
}

/* The VM alone: every rule's `when` and `require`, no trace, no report
 * (the evaluation pol_eval does, rule by rule). */
static void w_eval(void *arg) {
  bench *b = arg;
  const policy *p = POLICY(b->pol);
  const map *vars = next_facts(b)->vars;
  uint32_t from = b->only >= 0 ? (uint32_t)b->only : 0;
  uint32_t to = b->only >= 0 ? from + 1 : p->nrules;
  for (uint32_t i = from; i < to; i++) {
    const rule *ru = &p->rules[i];
    if (ru->when >= 0) {
      val w = vm_run(&b->v, p->prog, (uint32_t)ru->when, vars);
      if (w.kind == V_BOOL && !w.as.b)
        continue;
    }
    vm_run(&b->v, p->prog, ru->require, vars);
  }
}

/* Loading a fact set: parsing the vendor's JSON into values. */
static void w_load(void *arg) {
  bench *b = arg;
  pol_facts_load_json(b->facts[0], b->text, b->len, "bench");
}

static void w_check(void *arg) {
  bench *b = arg;
  pol_check(b->ctx, b->rep, next_facts(b), "bench");
  pol_report_reset(b->rep);
}

static void w_check_write(void *arg) {
  bench *b = arg;
  pol_check(b->ctx, b->rep, next_facts(b), "bench");
  pol_writer_add(b->w, b->rep);
  pol_report_reset(b->rep);
}

static void t1_line(bench *b, const char *what, work_fn fn, double floor_ns,
                    double eval_ns, size_t nrules) {
  b->cur = 0;
  double probe = time_it(fn, b, 20);
  b->cur = 0;
  size_t before = nallocs;
  double ns = time_it(fn, b, iters_for(probe));
  long calls = 6 * iters_for(probe);
  printf("  %-22s %9.0f ns/check %7.1f ns/rule %6.2f allocs/check",
         what, ns, ns / (double)nrules,
         (double)(nallocs - before) / (double)calls);
  if (floor_ns > 0)
    printf("  %5.2fx floor", ns / floor_ns);
  if (eval_ns > 0)
    printf("  %5.2fx eval", ns / eval_ns);
  putchar('\n');
}

static double measure(bench *b, work_fn fn) {
  b->cur = 0;
  double probe = time_it(fn, b, 20);
  b->cur = 0;
  return time_it(fn, b, iters_for(probe));
}

static void t1_block(bench *b, bool floor_too) {
  size_t nr = pol_policy_rule_count(b->pol);
  double fl = floor_too ? measure(b, w_floor) : 0;
  double ev = measure(b, w_eval);
  if (floor_too)
    t1_line(b, "floor (C by hand)", w_floor, 0, 0, nr);
  t1_line(b, "eval (VM, no report)", w_eval, fl, 0, nr);
  t1_line(b, "pol_check", w_check, fl, ev, nr);
  t1_line(b, "pol_check + ndjson", w_check_write, fl, ev, nr);
}

static int cmd_t1(int argc, char **argv) {
  bench b;
  memset(&b, 0, sizeof b);
  b.only = -1;
  open_policy(&b, argv[0]);
  size_t len;
  char *text = slurp(argv[1], &len);
  load_vendors(&b, text, len, 1);
  bool floor_too = pol_policy_rule_count(b.pol) == FLOOR_RULES;
  printf("T1 hot: %s, one vendor (%zu bytes)\n", argv[0], len);
  t1_block(&b, floor_too);
  if (argc > 2) {
    char *many = slurp(argv[2], &len);
    bench c = b;
    c.nfacts = c.cur = 0;
    load_vendors(&c, many, len, 500);
    printf("T1 across %zu different vendors (%zu bytes in all)\n",
           c.nfacts, len);
    t1_block(&c, floor_too);
  }
  return 0;
}

/* `bench prof WORK POLICY VENDOR N [RULE]`: N calls of one workload
 * (floor, eval, check, write), nothing else, for perf and callgrind.
 * With RULE (0-based, floor and eval only), that rule alone: how far the
 * VM is from the floor rule by rule (tests/bench/README.md). */
static int cmd_prof(int argc, char **argv) {
  static const struct {
    const char *name;
    work_fn fn;
  } works[] = {{"floor", w_floor}, {"eval", w_eval}, {"check", w_check},
               {"write", w_check_write}, {"load", w_load}};
  bench b;
  memset(&b, 0, sizeof b);
  (void)argc;
  open_policy(&b, argv[1]);
  size_t len;
  char *text = slurp(argv[2], &len);
  load_vendors(&b, text, len, 1);
  b.text = text;
  b.len = len;
  long n = atol(argv[3]);
  b.only = argc > 4 ? atol(argv[4]) : -1;
  if (b.only >= (long)pol_policy_rule_count(b.pol)) {
    fprintf(stderr, "bench: no rule %ld\n", b.only);
    return 2;
  }
  for (size_t i = 0; i < sizeof works / sizeof works[0]; i++)
    if (!strcmp(works[i].name, argv[0]))
      for (long k = 0; k < n; k++)
        works[i].fn(&b);
  return 0;
}

/* `bench ids POLICY`: the policy's rule ids, one a line, in the order
 * `bench prof`'s RULE counts them. */
static int cmd_ids(char **argv) {
  bench b;
  memset(&b, 0, sizeof b);
  open_policy(&b, argv[0]);
  for (size_t i = 0; i < pol_policy_rule_count(b.pol); i++)
    printf("%s\n", pol_policy_rule_id(b.pol, i));
  return 0;
}

/* ==== scaling ============================================================ */

static int cmd_scale(int argc, char **argv) {
  bench b;
  memset(&b, 0, sizeof b);
  (void)argc;
  open_policy(&b, argv[0]);
  size_t len;
  char *text = slurp(argv[1], &len);
  double t0 = now();
  load_vendors(&b, text, len, 1);
  double load = (now() - t0) * 1e6;
  size_t nr = pol_policy_rule_count(b.pol);
  double ns = measure(&b, w_check);
  printf("  %5zu rules  %8zu bytes  pol_check %10.0f ns  %7.1f ns/rule  "
         "load %8.0f us\n", nr, len, ns, ns / (double)nr, load);
  return 0;
}

/* ==== whole runs ========================================================= */

/* Run ARGV with stdout to [out]; print wall and CPU time and peak RSS.
 * The previous run's output (a regular file) is removed first, outside
 * the timing: truncating 200 MB of it in the child took 0.1 s of the
 * 20,000-vendor stream's wall clock, which a shell's `> out` spends
 * before the program starts. */
static int cmd_run(int argc, char **argv) {
  const char *out = argv[0];
  struct stat st;
  if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
    unlink(out);
  double t0 = now();
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
      _exit(127);
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
    return 2;
  double wall = now() - t0;
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
               (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  printf("%.4f %.4f %ld %d\n", wall, cpu, ru.ru_maxrss,
         WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  (void)argc;
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "t1"))
    return cmd_t1(argc - 2, argv + 2);
  if (argc >= 4 && !strcmp(argv[1], "scale"))
    return cmd_scale(argc - 2, argv + 2);
  if (argc >= 6 && !strcmp(argv[1], "prof"))
    return cmd_prof(argc - 2, argv + 2);
  if (argc >= 3 && !strcmp(argv[1], "ids"))
    return cmd_ids(argv + 2);
  if (argc >= 4 && !strcmp(argv[1], "run"))
    return cmd_run(argc - 2, argv + 2);
  fputs("usage: bench t1 POLICY VENDOR.json [VENDORS.ndjson]\n"
        "       bench scale POLICY VENDOR.json\n"
        "       bench prof floor|eval|check|write|load POLICY VENDOR.json N "
        "[RULE]\n"
        "       bench ids POLICY\n"
        "       bench run OUT PROGRAM ARG...\n", stderr);
  return 2;
}
