/*
 * cmd_bench.c: `policyc bench [options] POLICY FACTS...`: how long the
 * policy takes to compile, and to check each vendor once compiled: the
 * median of several rounds, per vendor and per rule. Numbers only, for
 * people; nothing here is asserted by tests (they never time anything).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "opts.h"

static const char bench_usage[] =
    "usage: policyc bench [options] POLICY FACTS...\n"
    "  --rounds N            rounds to take the median of (default 5)\n"
    "  --time MS             time to spend per round, at least (default 200)\n"
    "  -I DIR                look for imported modules in DIR first\n"
    "  --plugin FILE.so      load host functions the policy calls from a\n"
    "                        shared object (repeatable)\n"
    CLI_DIAG_HELP;

typedef struct bench_opts {
  const char *policy;
  char **facts;
  int nfacts;
  const char **dirs;
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  unsigned long long rounds, ms;
  cli_diag_opts diag; /* --excerpt, --color */
} bench_opts;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median over [rounds] of the seconds per call of [fn], each round
 * calling it for at least [ms] milliseconds, into *[out]. The status of
 * the first call that failed, or POL_OK. */
static int median_time(int (*fn)(void *), void *arg, unsigned rounds,
                       unsigned long long ms, double *out) {
  double *t = calloc(rounds, sizeof *t);
  if (!t)
    return POL_ENOMEM;
  for (unsigned r = 0; r < rounds; r++) {
    long n = 0;
    double t0 = now(), el;
    do {
      int rc = fn(arg);
      if (rc != POL_OK) {
        free(t);
        return rc;
      }
      n++;
      el = now() - t0;
    } while (el * 1e3 < (double)ms);
    t[r] = el / (double)n;
  }
  qsort(t, rounds, sizeof *t, cmp_double);
  *out = t[rounds / 2];
  free(t);
  return POL_OK;
}

typedef struct compile_job {
  pol_env *env;
  const cli_input *src;
  const char *name;
} compile_job;

static int compile_once(void *arg) {
  compile_job *j = arg;
  pol_policy *pol;
  int rc = pol_policy_compile(j->env, j->src->data, j->src->len, j->name,
                              &pol);
  pol_policy_free(pol);
  return rc;
}

typedef struct check_job {
  pol_ctx *ctx;
  pol_report *rep;
  pol_facts *facts;
} check_job;

static int check_once(void *arg) {
  check_job *j = arg;
  pol_report_reset(j->rep);
  return pol_check(j->ctx, j->rep, j->facts, "bench");
}

/* Time the checks of the vendor in [path] into *[t]. Nothing is printed
 * but an error: the report is written only once every number is known,
 * so a failure never leaves half of it on standard output (issue 13). */
static int bench_vendor(pol_env *env, const pol_policy *pol,
                        const bench_opts *o, const char *path, double *t) {
  pol_facts *f;
  pol_ctx *ctx = NULL;
  pol_report *rep = NULL;
  if (pol_facts_new(env, &f) != POL_OK)
    return cli_out_of_memory();
  int rc, status = cli_load_facts(f, path);
  if (status == EXIT_OK &&
      ((rc = pol_ctx_new(env, &ctx)) != POL_OK ||
       (rc = pol_report_new(pol, POL_UNKNOWN_FAIL, &rep)) != POL_OK)) {
    status = cli_out_of_memory();
  } else if (status == EXIT_OK) {
    check_job j = {ctx, rep, f};
    rc = median_time(check_once, &j, (unsigned)o->rounds, o->ms, t);
    if (rc != POL_OK)
      status = cli_failed(rc, pol_ctx_errmsg(ctx), EXIT_INPUT);
  }
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  return status;
}

/* The compile time of the policy source [src] into *[tc] (-1 for a
 * saved policy, which is not compiled). */
static int bench_compile(pol_env *env, const bench_opts *o,
                         const cli_input *src, double *tc) {
  compile_job cj = {env, src, o->policy};
  *tc = -1;
  if (pol_is_saved_policy(src->data, src->len))
    return EXIT_OK;
  int rc = median_time(compile_once, &cj, (unsigned)o->rounds, o->ms, tc);
  return rc == POL_OK ? EXIT_OK
                      : cli_failed(rc, pol_env_errmsg(env), EXIT_INPUT);
}

static void print_report(const bench_opts *o, const pol_policy *pol,
                         double tc, const double *t) {
  size_t rules = pol_policy_rule_count(pol);
  printf("policy %s: %zu rules", o->policy, rules);
  if (tc >= 0)
    printf(", compiled in %.3f ms (median of %llu rounds)", tc * 1e3,
           o->rounds);
  printf("\ncheck, once compiled (median of %llu rounds):\n", o->rounds);
  for (int i = 0; i < o->nfacts; i++)
    printf("  %-40s %9.1f us  %7.1f ns/rule  %9.0f checks/s\n",
           o->facts[i], t[i] * 1e6, t[i] * 1e9 / (double)(rules ? rules : 1),
           t[i] > 0 ? 1 / t[i] : 0.0);
}

static int run(const bench_opts *o) {
  pol_env *env;
  pol_policy *pol = NULL;
  cli_input src = {NULL, 0};
  double tc = -1, *t = calloc((size_t)o->nfacts, sizeof *t);
  if (!t || pol_env_new(NULL, &env) != POL_OK) {
    free(t);
    return cli_out_of_memory();
  }
  int status = cli_env_setup(env, o->dirs, o->ndirs, o->plugins,
                             o->nplugins);
  if (status == EXIT_OK && !cli_read(o->policy, &src))
    status = EXIT_INPUT;
  if (status == EXIT_OK)
    status = cli_load_policy(env, o->policy, cli_diag_flags(&o->diag),
                              &pol);
  if (status == EXIT_OK)
    status = cli_require_rules(o->policy, pol);
  if (status == EXIT_OK)
    status = bench_compile(env, o, &src, &tc);
  free(src.data);
  for (int i = 0; status == EXIT_OK && i < o->nfacts; i++)
    status = bench_vendor(env, pol, o, o->facts[i], &t[i]);
  if (status == EXIT_OK) {
    print_report(o, pol, tc, t);
    if (!cli_flush_stdout())
      status = EXIT_INPUT;
  }
  free(t);
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}

static int bench_opt(int argc, char **argv, int *i, void *opts) {
  bench_opts *o = opts;
  const char *a = argv[*i], *v;
  unsigned long long *slot = NULL;
  int d;
  if ((d = cli_diag_opt("bench", argc, argv, i, &o->diag)))
    return d == 1 ? EXIT_OK : d;
  if ((v = cli_opt_value(argc, argv, i, "--rounds")))
    slot = &o->rounds;
  else if ((v = cli_opt_value(argc, argv, i, "--time")))
    slot = &o->ms;
  else if ((v = cli_opt_value(argc, argv, i, "-I")))
    o->dirs[o->ndirs++] = v;
  else if ((v = cli_opt_value(argc, argv, i, "--plugin")))
    o->plugins[o->nplugins++] = v;
  else
    return cli_usage_error("bench", "unknown option or missing value: ", a);
  if (slot && (!cli_parse_size(v, slot) || *slot == 0 || *slot > 1000000))
    return cli_usage_error("bench", "bad number: ", v);
  return EXIT_OK;
}

/* Options before or after POLICY and FACTS (cli_scan). */
static int parse_args(int argc, char **argv, bench_opts *o) {
  int n;
  int rc = cli_scan(bench_usage, argc, argv, bench_opt, o, &n);
  if (rc != EXIT_OK)
    return rc;
  if (n < 2)
    return cli_usage_error("bench", "missing POLICY or FACTS", NULL);
  o->policy = argv[1];
  o->facts = argv + 2;
  o->nfacts = n - 1;
  return EXIT_OK;
}

int cmd_bench(int argc, char **argv) {
  bench_opts o = {NULL, NULL, 0, NULL, 0, NULL, 0, 5, 200,
                  CLI_DIAG_OPTS_INIT};
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  if (!o.dirs || !o.plugins) {
    free(o.dirs);
    free(o.plugins);
    return cli_out_of_memory();
  }
  int status = parse_args(argc, argv, &o);
  if (status == EXIT_OK)
    status = run(&o);
  free(o.dirs);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
