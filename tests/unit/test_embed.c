/*
 * test_embed.c: what an embedding host asked for beyond the basics
 * (issue 8): limits per ctx, a status code per rule result, policies
 * kept from importing files, values as JSON text, and constructors that
 * say why they failed. Uses only the public header.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pol.h"

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts;
  pol_program *prog;
  pol_policy *pol;
  pol_report *rep;
} fixture;

static int setup_flags(void **state, unsigned flags) {
  fixture *f = calloc(1, sizeof *f);
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags = flags;
  if (!f || pol_env_new(&cfg, &f->env) || pol_ctx_new(f->env, &f->ctx) ||
      pol_facts_new(f->env, &f->facts))
    return -1;
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_flags(state, 0); }

static int teardown(void **state) {
  fixture *f = *state;
  pol_report_free(f->rep);
  pol_policy_free(f->pol);
  pol_program_free(f->prog);
  pol_facts_free(f->facts);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}

/* Compile [src] into f->prog and evaluate it on [ctx]. */
static int eval_on(fixture *f, pol_ctx *ctx, const char *src,
                   const pol_value **out) {
  pol_program_free(f->prog);
  f->prog = NULL;
  int rc = pol_compile_expr(f->env, src, strlen(src), "t", NULL, &f->prog);
  if (rc != POL_OK)
    fail_msg("%s: %s", src, pol_env_errmsg(f->env));
  return pol_eval(ctx, f->prog, f->facts, out);
}

/* ==== pol_ctx_set_limits ================================================= */

/* 144 loop iterations, and a few KiB of temporaries. */
#define LOOPS "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(x, " \
              "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(y, x * y)).size()"
#define ALLOCS "[1, 2, 3, 4, 5, 6, 7, 8].map(x, string(x) + " \
               "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb').size()"

static void ctx_limits_are_per_ctx(void **state) {
  fixture *f = *state;
  const pol_value *v;
  pol_ctx *other;
  assert_pol_ok(f, pol_ctx_new(f->env, &other));
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 100, 0));
  assert_int_equal(eval_on(f, f->ctx, LOOPS, &v), POL_ELIMIT);
  assert_non_null(strstr(pol_ctx_errmsg(f->ctx), "more than 100"));
  /* the env's limits, and so another ctx's, are untouched */
  assert_pol_ok(f, eval_on(f, other, LOOPS, &v));
  assert_int_equal(pol_value_int(v), 12);
  pol_ctx_free(other);
  /* memory: 256 bytes are too few for eight 55-byte strings */
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 256));
  assert_int_equal(eval_on(f, f->ctx, ALLOCS, &v), POL_ELIMIT);
  assert_non_null(strstr(pol_ctx_errmsg(f->ctx), "memory limit"));
  /* and 0 lifts both, from the next evaluation on */
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 0));
  assert_pol_ok(f, eval_on(f, f->ctx, LOOPS, &v));
  assert_pol_ok(f, eval_on(f, f->ctx, ALLOCS, &v));
  assert_int_equal(pol_value_int(v), 8);
  assert_int_equal(pol_ctx_set_limits(NULL, 1, 1), POL_EINVAL);
}

/* ==== pol_report_status ================================================== */

static void compile_policy(fixture *f, const char *src, const char *json) {
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "p.pol",
                                      &f->pol));
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  assert_pol_ok(f, pol_report_new(f->pol, POL_UNKNOWN_FAIL, &f->rep));
}

static void report_status_per_rule(void **state) {
  fixture *f = *state;
  compile_policy(f,
                 "must pass: n >= 1\n"
                 "must fail: n >= 5\n"
                 "must unknown: missing.fact\n"
                 "must type_error: n + 'x' == ''\n"
                 "must loops: " LOOPS " == 12\n"
                 "rule skipped { when n > 9\n require true }\n"
                 "must not_bool: n\n",
                 "{\"n\": 2}");
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 100, 0));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  static const struct {
    const char *verdict;
    int status;
  } want[] = {{"PASS", POL_OK},      {"FAIL", POL_OK},
              {"UNKNOWN", POL_OK},   {"ERROR", POL_ERUNTIME},
              {"ERROR", POL_ELIMIT}, {"SKIPPED", POL_OK},
              {"ERROR", POL_ERUNTIME}};
  for (size_t r = 0; r < sizeof want / sizeof *want; r++) {
    assert_string_equal(pol_report_verdict(f->rep, 0, r), want[r].verdict);
    assert_int_equal(pol_report_status(f->rep, 0, r), want[r].status);
  }
  assert_non_null(strstr(pol_report_reason(f->rep, 0, 4), "more than 100"));
  /* with the limit lifted, the same rule passes on the same ctx */
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 0));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 1, 4), "PASS");
  assert_int_equal(pol_report_status(f->rep, 1, 4), POL_OK);
  /* out of range */
  assert_int_equal(pol_report_status(f->rep, 2, 0), POL_EINVAL);
  assert_int_equal(pol_report_status(f->rep, 0, 7), POL_EINVAL);
  assert_int_equal(pol_report_status(NULL, 0, 0), POL_EINVAL);
}

/* The memory limit too is POL_ELIMIT, a fact of the evaluation, not of
 * the policy: the same rule with room to run passes. */
static void report_status_memory_limit(void **state) {
  fixture *f = *state;
  compile_policy(f, "must big: " ALLOCS " == 8\n", "{}");
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 256));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 0, 0), "ERROR");
  assert_int_equal(pol_report_status(f->rep, 0, 0), POL_ELIMIT);
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 1 << 20));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_int_equal(pol_report_status(f->rep, 1, 0), POL_OK);
}

/* ==== POL_NO_FILE_IMPORTS ================================================ */

static int setup_no_files(void **state) {
  return setup_flags(state, POL_NO_FILE_IMPORTS);
}

static void write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  assert_int_equal(fputs(text, fp) >= 0, 1);
  assert_int_equal(fclose(fp), 0);
}

/* A policy beside a module it imports: found in a plain env, not read
 * at all with POL_NO_FILE_IMPORTS, which still has the standard
 * library's modules. */
static void no_file_imports(void **state) {
  fixture *f = *state;
  char dir[] = "/tmp/pol-embed-XXXXXX", main_pol[64], mod[64];
  assert_non_null(mkdtemp(dir));
  snprintf(main_pol, sizeof main_pol, "%s/main.pol", dir);
  snprintf(mod, sizeof mod, "%s/mymod.pol", dir);
  write_text(mod, "let limit = 7\n");
  write_text(main_pol, "// a policy\nimport \"mymod\"\nn >= limit\n");
  pol_env *plain;
  pol_policy *pol;
  assert_int_equal(pol_env_new(NULL, &plain), POL_OK);
  assert_int_equal(pol_policy_compile_file(plain, main_pol, &pol), POL_OK);
  pol_policy_free(pol);
  assert_int_equal(pol_env_add_import_dir(plain, dir), POL_OK);
  pol_env_free(plain);

  assert_int_equal(pol_policy_compile_file(f->env, main_pol, &f->pol),
                   POL_ESYNTAX);
  assert_null(f->pol);
  assert_int_equal(pol_diag_count(f->env), 1);
  pol_diag d = POL_DIAG_INIT;
  assert_pol_ok(f, pol_diag_get(f->env, 0, &d));
  assert_string_equal(d.file, main_pol);
  assert_int_equal(d.line, 2);
  assert_int_equal(d.col, 1);
  assert_string_equal(d.message, "module 'mymod' not found (file imports "
                      "are disabled: only the standard library is "
                      "searched)");
  /* nor can a directory be added */
  assert_int_equal(pol_env_add_import_dir(f->env, dir), POL_EINVAL);
  assert_non_null(strstr(pol_env_errmsg(f->env), "POL_NO_FILE_IMPORTS"));
  /* the built-in modules, and the implicit regions prelude, still load */
  const char *src = "import \"schema_backup\"\n"
                    "backup.generations >= 7 && [JP].size() == 1\n";
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), main_pol,
                                      &f->pol));
  unlink(mod);
  unlink(main_pol);
  rmdir(dir);
}

/* A flag this library does not know (from a newer header) may be a
 * restriction it cannot honour: the env is refused. */
static void unknown_flags_refused(void **state) {
  (void)state;
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags = POL_NO_FILE_IMPORTS | (1u << 20);
  pol_env *env = (pol_env *)&cfg;
  assert_int_equal(pol_env_new(&cfg, &env), POL_EINVAL);
  assert_null(env);
  cfg.flags = POL_NO_FILE_IMPORTS | POL_STRICT_CALLS;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  pol_env_free(env);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(ctx_limits_are_per_ctx, setup, teardown),
      cmocka_unit_test_setup_teardown(report_status_per_rule, setup, teardown),
      cmocka_unit_test_setup_teardown(report_status_memory_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(no_file_imports, setup_no_files,
                                      teardown),
      cmocka_unit_test(unknown_flags_refused),
  };
  return RUN_TESTS("embed", tests, argc, argv);
}
