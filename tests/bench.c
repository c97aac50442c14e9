/*
 * bench.c: `make bench`. Times compiling and evaluating each expression
 * of tests/bench/exprs.txt over a vendor fact set, through the public
 * API, and prints ns per evaluation and heap allocations per evaluation
 * (malloc/calloc/realloc are wrapped at link time and counted). As a
 * peer measured in the same run, it also times a hand-written C check of
 * the first rule over the same parsed facts, and prints the ratio.
 *
 * It then checks a whole compiled policy (POLICY.pol, 40 or more rules)
 * against the same facts through pol_check, reusing one report
 * (pol_report_reset), and prints ns per rule and heap allocations per
 * check.
 *
 * usage: bench FACTS.json [EXPRS.txt [POLICY.pol]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
  if (!f)
    return NULL;
  static char buf[1 << 22];
  *len = fread(buf, 1, sizeof buf - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

/* Median of 5 rounds of [iters] evaluations, in ns per evaluation. */
static double time_eval(pol_ctx *ctx, pol_program *p, pol_facts *f,
                        long iters, size_t *allocs) {
  double best[5];
  const pol_value *v;
  pol_eval(ctx, p, f, &v); /* warm: the arena's first chunk */
  size_t before = nallocs;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    for (long i = 0; i < iters; i++)
      pol_eval(ctx, p, f, &v);
    best[r] = (now() - t0) * 1e9 / (double)iters;
  }
  *allocs = (nallocs - before) / (5 * (size_t)iters);
  for (int i = 0; i < 5; i++) /* sort for the median */
    for (int j = i + 1; j < 5; j++)
      if (best[j] < best[i]) {
        double t = best[i]; best[i] = best[j]; best[j] = t;
      }
  return best[2];
}

/* The peer: "backup.frequency_hours <= 24" by hand over parsed JSON. */
static double time_handwritten(const char *json, size_t len, long iters) {
  arena a;
  arena_init(&a, 0);
  val root;
  json_error e;
  if (!json_parse(&a, json, len, &root, &e) || root.kind != V_MAP)
    return -1;
  volatile int pass = 0;
  double t0 = now();
  for (long i = 0; i < iters; i++) {
    const val *b = map_get_str(root.as.m, "backup", 6, val_hash_bytes("backup", 6));
    const val *g = b && b->kind == V_MAP
                       ? map_get_str(b->as.m, "frequency_hours", 15,
                                     val_hash_bytes("frequency_hours", 15))
                       : NULL;
    pass += g && g->kind == V_INT && g->as.i <= 24;
  }
  double ns = (now() - t0) * 1e9 / (double)iters;
  arena_free(&a);
  return ns;
}

/* Median of 5 rounds of [iters] checks of [pol]: ns per check. */
static double time_policy(pol_ctx *ctx, pol_report *rep, pol_facts *f,
                          long iters, size_t *allocs) {
  double t[5];
  pol_report_reset(rep);
  pol_check(ctx, rep, f, "bench"); /* warm */
  size_t before = nallocs;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    for (long i = 0; i < iters; i++) {
      pol_report_reset(rep);
      pol_check(ctx, rep, f, "bench");
    }
    t[r] = (now() - t0) * 1e9 / (double)iters;
  }
  *allocs = (nallocs - before) / (5 * (size_t)iters);
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      if (t[j] < t[i]) {
        double x = t[i]; t[i] = t[j]; t[j] = x;
      }
  return t[2];
}

static void bench_policy(pol_env *env, pol_ctx *ctx, pol_facts *f,
                         const char *path) {
  pol_policy *pol;
  double t0 = now();
  if (pol_policy_compile_file(env, path, &pol) != POL_OK) {
    printf("\npolicy %s: %s\n", path, pol_env_errmsg(env));
    return;
  }
  double tc = (now() - t0) * 1e3;
  pol_report *rep;
  pol_report_new(pol, POL_UNKNOWN_FAIL, &rep);
  size_t rules = pol_policy_rule_count(pol), allocs;
  double ns = time_policy(ctx, rep, f, 20000, &allocs);
  printf("\npolicy %s: %zu rules, compiled in %.2f ms\n", path, rules, tc);
  printf("  check (every rule, with facts used, evidence, missing): "
         "%.0f ns = %.1f ns per rule, %zu heap allocations per check\n",
         ns, ns / (double)rules, allocs);
  pol_report_free(rep);
  pol_policy_free(pol);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench FACTS.json [EXPRS.txt]\n");
    return 2;
  }
  size_t len, elen;
  char *json = slurp(argv[1], &len);
  char *facts_text = json ? strdup(json) : NULL;
  char *exprs = facts_text ? slurp(argc > 2 ? argv[2] : "tests/bench/exprs.txt", &elen) : NULL;
  if (!exprs) {
    fprintf(stderr, "bench: cannot read inputs\n");
    return 3;
  }
  pol_env *env;
  pol_facts *f;
  pol_ctx *ctx;
  pol_env_new(NULL, &env);
  pol_facts_new(env, &f);
  if (pol_facts_load_json(f, facts_text, len, argv[1]) != POL_OK) {
    fprintf(stderr, "bench: %s\n", pol_facts_errmsg(f));
    return 3;
  }
  pol_ctx_new(env, &ctx);
  const long iters = 200000;
  printf("facts: %s (%zu bytes); %ld evaluations x 5 rounds, median\n\n",
         argv[1], len, iters);
  printf("%-58s %9s %9s %7s  %s\n", "expression", "compile", "eval", "allocs",
         "value");
  double first = 0;
  for (char *line = strtok(exprs, "\n"); line; line = strtok(NULL, "\n")) {
    if (!*line || line[0] == '#')
      continue;
    pol_program *p;
    size_t a0 = nallocs;
    double t0 = now();
    int rc = pol_compile_expr(env, line, strlen(line), "bench", f, &p);
    double tc = (now() - t0) * 1e6;
    (void)a0;
    if (rc != POL_OK) {
      printf("%-58.58s compile error: %s", line, pol_env_errmsg(env));
      continue;
    }
    size_t allocs;
    double ns = time_eval(ctx, p, f, iters, &allocs);
    if (first == 0)
      first = ns;
    const pol_value *v;
    pol_eval(ctx, p, f, &v);
    printf("%-58.58s %7.1fus %7.1fns %7zu  %s\n", line, tc, ns, allocs,
           pol_value_format(ctx, v));
    pol_program_free(p);
  }
  double hw = time_handwritten(facts_text, len, iters * 10);
  printf("\nhand-written C check of the first rule: %.1f ns "
         "(first rule through the VM: %.1fx that)\n", hw, first / hw);
  if (argc > 3)
    bench_policy(env, ctx, f, argv[3]);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
  free(facts_text);
  return 0;
}
