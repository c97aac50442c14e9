/*
 * cmd_test.c: `policyc test [options] TESTS...`: policy unit tests
 * (docs/policies.md, "Policy tests"; docs/cli.md, "policyc test").
 *
 * Each test file is read and checked whole first (test_spec.c: unknown
 * members, invalid verdicts, cases that check nothing, rules the policy
 * does not have, inline facts the policy's schema refuses are located
 * errors, and the file is malformed). Then its mocks are registered, its
 * policy compiled (keeping the source, for coverage), and each case
 * checked: its facts against the policy, the verdicts it names and its
 * compliance compared. Every case counts once, passed or failed; `-v`
 * lists each; `--coverage` adds what no case exercised, `--threshold P`
 * fails a run below P percent; `--format=junit` writes JUnit XML.
 *
 * Exit status: 0 every case passed (and the coverage reached the
 * threshold), 1 a case failed or the coverage is below it, 2 usage
 * error or a policy that does not compile, 3 a test file or fact file
 * unreadable or malformed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "testing.h"

typedef struct test_opts {
  cli_list dirs;
  cli_list plugins; /* --plugin FILE.so: host functions, in order */
  bool verbose, coverage;
  double threshold; /* -1: none */
  int format;       /* 0 text, 1 junit */
  int excerpt, color; /* compile errors: 0 auto, 1 always, 2 never */
  char as_of[11];     /* SOURCE_DATE_EPOCH's date, or "": the clock */
} test_opts;

typedef struct tally {
  int passed, failed;
  int status;       /* the worst status of the files */
  unsigned long covered, items;
  junit *j;
} tally;

static const char test_usage[] =
    "usage: policyc test [options] TESTS.json...\n"
    "Run policy unit tests: facts and the verdicts expected of them.\n";

/* ==== one case =========================================================== */

/* The facts of case [c]: inline (checked against the policy's schema,
 * when it declares facts) or from its file. NULL after a message. */
static pol_facts *case_facts(pol_env *env, const pol_policy *pol,
                             const test_file *t, const test_case *c) {
  pol_facts *f;
  if (pol_facts_new(env, &f) != POL_OK) {
    cli_out_of_memory();
    return NULL;
  }
  if (c->facts_file) {
    if (cli_load_facts(f, c->facts_file) == EXIT_OK)
      return f;
    pol_facts_free(f);
    return NULL;
  }
  size_t len, count = 0;
  unsigned line;
  char *text = test_excerpt(t, c->facts, &len, &line);
  const char *problems = NULL;
  int rc = text ? pol_facts_load_record(f, text, len, t->path, line)
                : POL_ENOMEM;
  int vrc = rc == POL_OK ? pol_validate(env, pol, text, len, t->path,
                                        &count, &problems)
                         : POL_OK;
  if (rc == POL_EFORMAT || (vrc == POL_OK && count)) {
    /* a message to give: again over the text with the blanks before
     * it, whose lines and columns are the test file's */
    free(text);
    text = test_excerpt(t, c->facts, &len, NULL);
    rc = text ? pol_facts_load_json(f, text, len, t->path) : POL_ENOMEM;
    vrc = rc == POL_OK ? pol_validate(env, pol, text, len, t->path,
                                      &count, &problems)
                       : POL_OK;
  }
  if (vrc == POL_ENOMEM) {
    rc = vrc;
    cli_failed(rc, pol_env_errmsg(env), EXIT_INPUT);
  } else if (rc == POL_OK && vrc == POL_OK && count) {
    fputs(problems, stderr);
    rc = POL_EFORMAT;
  } else if (rc != POL_OK) {
    cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  }
  free(text);
  if (rc != POL_OK) {
    pol_facts_free(f);
    return NULL;
  }
  return f;
}

/* Compare case [c]'s expectations with [rep]: vendor 0, or with [each],
 * vendor i for expectation i; the mismatches go to [why] ("rule r:
 * expected PASS, got UNKNOWN; ..."). */
static bool compare(const pol_report *rep, const test_case *c, bool each,
                    char *why, size_t cap) {
  size_t len = 0;
  why[0] = '\0';
  for (size_t i = 0; i < c->nexpect; i++) {
    const char *got = pol_report_verdict(rep, each ? i : 0,
                                         c->expect[i].index);
    if (got && !strcmp(got, c->expect[i].verdict))
      continue;
    len += (size_t)snprintf(why + len, len < cap ? cap - len : 0,
                            "%srule %s: expected %s, got %s", len ? "; " : "",
                            c->expect[i].rule, c->expect[i].verdict,
                            got ? got : "?");
  }
  if (c->compliant >= 0 && (bool)c->compliant != pol_report_compliant(rep, 0))
    len += (size_t)snprintf(why + len, len < cap ? cap - len : 0,
                            "%sexpected %scompliant, got %scompliant",
                            len ? "; " : "", c->compliant ? "" : "not ",
                            c->compliant ? "not " : "");
  return len == 0;
}

/* Print and count the result of case [c]. */
static void result(const test_opts *o, tally *t, const test_file *tf,
                   const test_case *c, const char *why) {
  bool ok = !why[0];
  t->passed += ok;
  t->failed += !ok;
  if (o->format == 1)
    junit_case(t->j, tf->path, c->name, ok ? NULL : why);
  else if (!ok)
    printf("FAIL %s: %s: %s\n", tf->path, c->name, why);
  else if (o->verbose)
    printf("ok   %s: %s\n", tf->path, c->name);
}

/* Check case [c]'s facts [f] into [rep]: every rule when the case expects
 * the vendor's compliance, else only the rules it names, each as a vendor
 * of its own (*[each]). Checking every rule for every case cost cases x
 * rules: 4,000 cases of a 1,000-rule policy, 3.9 G instructions. */
static int check_case(pol_ctx *ctx, pol_report *rep, const pol_facts *f,
                      const test_case *c, bool *each) {
  *each = c->compliant < 0;
  if (!*each)
    return pol_check(ctx, rep, f, c->name);
  int rc = POL_OK;
  for (size_t i = 0; rc == POL_OK && i < c->nexpect; i++)
    rc = pol_check_rule(ctx, rep, f, c->name, c->expect[i].index);
  return rc;
}

static int run_case(pol_env *env, const pol_policy *pol, const test_opts *o,
                    tally *t, const test_file *tf, const test_case *c,
                    coverage *cov) {
  pol_facts *f = case_facts(env, pol, tf, c);
  pol_ctx *ctx = NULL;
  pol_report *rep = NULL;
  char why[2048];
  if (!f)
    return EXIT_INPUT;
  int status = EXIT_INPUT, rc;
  bool each = false;
  if ((rc = pol_ctx_new(env, &ctx)) == POL_OK &&
      (!o->as_of[0] || (rc = pol_ctx_set_as_of(ctx, o->as_of)) == POL_OK) &&
      (rc = pol_report_new(pol, POL_UNKNOWN_FAIL, &rep)) == POL_OK &&
      (rc = check_case(ctx, rep, f, c, &each)) == POL_OK) {
    compare(rep, c, each, why, sizeof why);
    result(o, t, tf, c, why);
    for (size_t i = 0; cov && i < c->nexpect; i++)
      cover_rule(cov, f, c->expect[i].index);
    status = EXIT_OK;
  } else if (rc == POL_ENOMEM) {
    cli_out_of_memory();
  } else {
    cli_error("%s: %s: %s", tf->path, c->name,
              ctx ? pol_ctx_errmsg(ctx) : pol_strerror(rc));
  }
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  return status;
}

/* ==== one file =========================================================== */

/* The env for test file [tf]: import directories, then its mocks. */
static pol_env *file_env(const test_opts *o, imp_pool *p,
                         const test_file *tf, mock_set **mocks,
                         int *status) {
  pol_config cfg;
  pol_env *env;
  bool ok;
  pol_config_init(&cfg);
  cfg.flags |= POL_KEEP_SOURCE; /* for coverage */
  if (pol_env_new(&cfg, &env) != POL_OK) {
    *status = cli_out_of_memory();
    return NULL;
  }
  *status = cli_env_setup(env, o->dirs.v, o->dirs.n, o->plugins.v,
                          o->plugins.n);
  *mocks = *status == EXIT_OK ? mock_register(p, env, tf, &ok) : NULL;
  if (*status == EXIT_OK && !ok)
    *status = EXIT_INPUT;
  return env;
}

static void cases(pol_env *env, const pol_policy *pol, const test_opts *o,
                  tally *t, const test_file *tf, mock_set *mocks,
                  coverage *cov, int *status) {
  for (size_t k = 0; k < tf->ncases; k++) {
    mock_use(mocks, &tf->cases[k]);
    int s = run_case(env, pol, o, t, tf, &tf->cases[k], cov);
    *status = s > *status ? s : *status;
  }
}

static int run_file(const test_opts *o, tally *t, const char *path) {
  imp_pool *p = imp_pool_new();
  test_file tf;
  mock_set *mocks = NULL;
  pol_policy *pol = NULL;
  coverage *cov = NULL;
  int status = test_read(p, path, &tf) ? EXIT_OK : EXIT_INPUT;
  pol_env *env = status == EXIT_OK ? file_env(o, p, &tf, &mocks, &status)
                                   : NULL;
  if (status == EXIT_OK)
    status = cli_load_policy(env, tf.policy,
                             cli_diag_choice_flags(o->excerpt, o->color),
                             &pol);
  if (status == EXIT_OK)
    status = cli_require_rules(tf.policy, pol);
  if (status == EXIT_OK && !test_bind_rules(&tf, pol))
    status = EXIT_INPUT;
  if (status == EXIT_OK && o->coverage && !(cov = cover_new(p, pol)))
    cli_error("%s: a saved policy keeps no source, or memory ran out: no "
              "coverage", tf.policy);
  if (status == EXIT_OK)
    cases(env, pol, o, t, &tf, mocks, cov, &status);
  if (cov && o->format == 0)
    cover_report(cov, stdout, path, &t->covered, &t->items);
  if (status != EXIT_OK && o->format == 1)
    junit_error(t->j, path, status == EXIT_USAGE ? "the policy does not "
                "compile" : "the test file or a fact file is malformed");
  cover_free(cov);
  pol_policy_free(pol);
  pol_env_free(env);
  imp_pool_free(p);
  return status;
}

/* ==== the command ======================================================== */

static int finish(const test_opts *o, tally *t) {
  double percent = t->items ? 100.0 * (double)t->covered /
                                  (double)t->items : 100.0;
  if (o->format == 1)
    junit_write(t->j, stdout);
  else
    printf("%d passed, %d failed\n", t->passed, t->failed);
  bool low = o->threshold >= 0 && percent < o->threshold;
  if (low && o->format == 0)
    printf("coverage %.1f%% is below the threshold of %.1f%%\n", percent,
           o->threshold);
  if (!cli_flush_stdout())
    return EXIT_INPUT;
  if (t->status != EXIT_OK)
    return t->status;
  return t->failed || low ? EXIT_FAIL : EXIT_OK;
}

static int run(const test_opts *o, const cli_list *files) {
  imp_pool *p = imp_pool_new();
  tally t = {0, 0, EXIT_OK, 0, 0, junit_new(p)};
  for (int i = 0; i < files->n; i++) {
    int s = run_file(o, &t, files->v[i]);
    t.status = s > t.status ? s : t.status;
  }
  int status = finish(o, &t);
  imp_pool_free(p);
  return status;
}

int cmd_test(int argc, char **argv) {
  test_opts o;
  memset(&o, 0, sizeof o);
  o.threshold = -1;
  cli_list files = {NULL, 0};
  const cli_opt opts[] = {
      {"-I", OPT_LIST, &o.dirs, "DIR", NULL,
       "look for imported modules in DIR first (repeatable)"},
      {"--plugin", OPT_LIST, &o.plugins, "FILE.so", NULL,
       "load host functions the policy calls from a shared object "
       "(repeatable)"},
      {"-v", OPT_FLAG, &o.verbose, NULL, NULL, "list every case"},
      {"--coverage", OPT_FLAG, &o.coverage, NULL, NULL,
       "list the rules and branches no case exercised"},
      {"--threshold", OPT_NUMBER, &o.threshold, "P", NULL,
       "fail when coverage is below P percent (implies --coverage)"},
      {"--format", OPT_CHOICE, &o.format, NULL, "text|junit",
       "the results as text (default) or JUnit XML"},
      CLI_DIAG_OPTS(&o.excerpt, &o.color),
  };
  int rc = cli_parse("test", test_usage, opts, CLI_COUNT(opts), argc, argv,
                     &files);
  if (rc == 0 && files.n == 0)
    rc = cli_usage_error("test", "missing TESTS", NULL);
  if (rc == 0)
    rc = cli_stdin_once("test", files.v, files.n);
  if (rc == 0 && o.threshold > 100)
    rc = cli_usage_error("test", "--threshold is a percentage (0 to 100)",
                         NULL);
  o.coverage |= o.threshold >= 0;
  if (rc == 0)
    rc = cli_env_check(o.dirs.v, o.dirs.n, o.plugins.v, o.plugins.n);
  /* a reproducible run's date, as check's; a case's mocked date wins */
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (rc == 0 && sde && *sde && !cli_today(o.as_of))
    rc = EXIT_USAGE;
  if (rc == 0)
    rc = run(&o, &files);
  cli_list_free(&files);
  cli_list_free(&o.dirs);
  cli_list_free(&o.plugins);
  return rc < 0 ? EXIT_OK : rc;
}
