/*
 * cmd_test.c: `policyc test [-I DIR]... TESTS...`: policy unit tests.
 *
 * A test file is JSON (docs/policies.md, "Policy tests"):
 *
 *     {"policy": "procurement.pol",
 *      "cases": [{"name": "...", "facts": {...} | "facts_file": "v.json",
 *                 "expect": {"rule_id": "PASS", ...}, "compliant": true}]}
 *
 * Paths are relative to the test file. Each case checks its facts against
 * the policy and compares the named rules' verdicts (and compliance, if
 * given). Prints a line per failure and ends with `N passed, M failed`.
 * Exit status: 0 all passed, 1 some failed, 2 usage or compile error, 3 a
 * test file or fact file unreadable or malformed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct tally {
  int passed, failed;
} tally;

/* [base] joined to the directory of [file], into [out]. */
static void relative(const char *file, const char *base, char *out,
                     size_t cap) {
  const char *slash = strrchr(file, '/');
  if (base[0] == '/' || !slash)
    snprintf(out, cap, "%s", base);
  else
    snprintf(out, cap, "%.*s/%s", (int)(slash - file), file, base);
}

static const char *text_of(const pol_value *v) {
  return v && pol_value_type(v) == POL_T_STRING ? pol_value_str(v, NULL)
                                                 : NULL;
}

/* The whole test document, parsed by the engine's JSON reader and read
 * back as a value (valid until the next pol_eval on [ctx]). */
static const pol_value *read_doc(pol_env *env, pol_ctx *ctx, pol_facts *f,
                                 const char *path, int *status) {
  cli_input in;
  pol_program *p = NULL;
  const pol_value *doc = NULL;
  *status = EXIT_INPUT;
  if (!cli_read(path, &in))
    return NULL;
  int rc = pol_facts_bind_json(f, "doc", in.data, in.len, path);
  if (rc != POL_OK)
    *status = cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  else if ((rc = pol_compile_expr(env, "doc", 3, "<test>", f, &p)) ==
               POL_OK &&
           (rc = pol_eval(ctx, p, f, &doc)) == POL_OK &&
           pol_value_type(doc) == POL_T_MAP)
    *status = EXIT_OK;
  else if (rc == POL_ENOMEM) /* not the file's fault: never "malformed" */
    *status = cli_out_of_memory();
  else
    cli_error("%s: a test file must be a JSON object", path);
  free(in.data);
  pol_program_free(p);
  return *status == EXIT_OK ? doc : NULL;
}

/* The facts of one case: inline ("facts") or from a file ("facts_file"). */
static pol_facts *case_facts(pol_env *env, const char *file,
                             const pol_value *c, int *status) {
  pol_facts *f;
  const pol_value *inl = pol_value_get(c, "facts");
  const char *ff = text_of(pol_value_get(c, "facts_file"));
  int rc;
  *status = EXIT_INPUT;
  if (pol_facts_new(env, &f) != POL_OK) {
    *status = cli_out_of_memory();
    return NULL;
  }
  if (ff) {
    char path[4096];
    relative(file, ff, path, sizeof path);
    if ((rc = pol_facts_load_file(f, path)) == POL_OK)
      *status = EXIT_OK;
    else
      *status = cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  } else if (inl && pol_value_type(inl) == POL_T_MAP) {
    *status = EXIT_OK;
    for (size_t i = 0; i < pol_value_len(inl) && *status == EXIT_OK; i++)
      if ((rc = pol_facts_bind_value(f, pol_value_key(inl, i, NULL),
                                     pol_value_entry(inl, i))) != POL_OK)
        *status = cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  } else {
    cli_error("%s: a case needs \"facts\" (an object) or \"facts_file\"",
              file);
  }
  if (*status != EXIT_OK) {
    pol_facts_free(f);
    return NULL;
  }
  return f;
}

static long rule_index(const pol_policy *pol, const char *id) {
  for (size_t r = 0; r < pol_policy_rule_count(pol); r++)
    if (strcmp(pol_policy_rule_id(pol, r), id) == 0)
      return (long)r;
  return -1;
}

/* Compare the case's expectations with vendor 0 of [rep]. */
static bool expectations(const pol_report *rep, const pol_policy *pol,
                         const pol_value *c, const char *name) {
  bool ok = true;
  const pol_value *exp = pol_value_get(c, "expect");
  for (size_t i = 0; exp && i < pol_value_len(exp); i++) {
    const char *id = pol_value_key(exp, i, NULL);
    const char *want = text_of(pol_value_entry(exp, i));
    long r = id ? rule_index(pol, id) : -1;
    const char *got = r >= 0 ? pol_report_verdict(rep, 0, (size_t)r) : NULL;
    if (!got || !want || strcmp(got, want) != 0) {
      printf("FAIL %s: rule %s: expected %s, got %s\n", name,
             id ? id : "?", want ? want : "?", got ? got : "no such rule");
      ok = false;
    }
  }
  const pol_value *comp = pol_value_get(c, "compliant");
  if (comp && pol_value_bool(comp) != pol_report_compliant(rep, 0)) {
    printf("FAIL %s: expected %scompliant\n", name,
           pol_value_bool(comp) ? "" : "not ");
    ok = false;
  }
  return ok;
}

static int run_case(pol_env *env, const pol_policy *pol, const char *file,
                    const pol_value *c, size_t k, tally *t) {
  char name[512];
  const char *n = text_of(pol_value_get(c, "name"));
  snprintf(name, sizeof name, "%s: %s", file, n ? n : "case");
  if (!n)
    snprintf(name, sizeof name, "%s: case %zu", file, k + 1);
  int status;
  pol_facts *f = case_facts(env, file, c, &status);
  pol_ctx *ctx = NULL;
  pol_report *rep = NULL;
  int rc = POL_OK;
  if (f && (rc = pol_ctx_new(env, &ctx)) == POL_OK &&
      (rc = pol_report_new(pol, POL_UNKNOWN_FAIL, &rep)) == POL_OK &&
      (rc = pol_check(ctx, rep, f, name)) == POL_OK) {
    bool ok = expectations(rep, pol, c, name);
    t->passed += ok;
    t->failed += !ok;
  } else if (f) { /* a case not run is never a case passed */
    status = cli_failed(rc, ctx ? pol_ctx_errmsg(ctx) : pol_strerror(rc),
                        EXIT_INPUT);
  }
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  return status;
}

static int run_file(pol_env *env, const char *file, int flags, tally *t) {
  pol_ctx *ctx;
  pol_facts *holder;
  int status;
  if (pol_ctx_new(env, &ctx) != POL_OK)
    return cli_out_of_memory();
  if (pol_facts_new(env, &holder) != POL_OK) {
    pol_ctx_free(ctx);
    return cli_out_of_memory();
  }
  const pol_value *doc = read_doc(env, ctx, holder, file, &status);
  const char *pf = doc ? text_of(pol_value_get(doc, "policy")) : NULL;
  const pol_value *cases = doc ? pol_value_get(doc, "cases") : NULL;
  if (doc && (!pf || !cases || pol_value_type(cases) != POL_T_LIST)) {
    cli_error("%s: needs \"policy\" (a file name) and \"cases\" (a list)",
              file);
    status = EXIT_INPUT;
  }
  pol_policy *pol = NULL;
  if (status == EXIT_OK) {
    char path[4096];
    relative(file, pf, path, sizeof path);
    status = cli_load_policy(env, path, flags, &pol);
  }
  for (size_t k = 0; status == EXIT_OK && k < pol_value_len(cases); k++)
    status = run_case(env, pol, file, pol_value_at(cases, k), k, t);
  pol_policy_free(pol);
  pol_facts_free(holder);
  pol_ctx_free(ctx);
  return status;
}

int cmd_test(int argc, char **argv) {
  const char **dirs = calloc((size_t)argc, sizeof *dirs);
  int ndirs = 0, i = 1, status = EXIT_OK, d;
  cli_diag_opts diag = CLI_DIAG_OPTS_INIT;
  if (!dirs)
    return cli_out_of_memory();
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs("usage: policyc test [options] TESTS.json...\n"
            "  -I DIR                look for imported modules in DIR "
            "first\n" CLI_DIAG_HELP, stdout);
      free(dirs);
      return EXIT_OK;
    }
    if ((d = cli_diag_opt("test", argc, argv, &i, &diag))) {
      if (d == 1)
        continue;
      free(dirs);
      return d;
    }
    if (strncmp(a, "-I", 2) || (!a[2] && i + 1 >= argc)) {
      free(dirs);
      return cli_usage_error("test", "unknown option or missing value: ", a);
    }
    dirs[ndirs++] = a[2] ? a + 2 : argv[++i];
  }
  if (i >= argc)
    status = cli_usage_error("test", "missing TESTS", NULL);
  tally t = {0, 0};
  for (; status == EXIT_OK && i < argc; i++) {
    pol_env *env;
    if (pol_env_new(NULL, &env) != POL_OK) {
      free(dirs);
      return cli_out_of_memory();
    }
    status = cli_env_setup(env, dirs, ndirs, NULL, 0);
    if (status == EXIT_OK)
      status = run_file(env, argv[i], cli_diag_flags(&diag), &t);
    pol_env_free(env);
  }
  free(dirs);
  if (status == EXIT_OK)
    printf("%d passed, %d failed\n", t.passed, t.failed);
  if (!cli_flush_stdout())
    return EXIT_INPUT;
  return status != EXIT_OK ? status : t.failed ? EXIT_FAIL : EXIT_OK;
}
