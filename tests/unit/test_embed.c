/*
 * test_embed.c: what an embedding host asked for beyond the basics
 * (issue 8): limits per ctx, a status code per rule result, policies
 * kept from importing files, values as JSON text, and constructors that
 * say why they failed. Uses only the public header.
 */
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

/* A fixed limit of the engine (PCRE2's match limit: no setting moves it)
 * is POL_ERUNTIME, as a type error is: the verdict belongs to the policy
 * and the data, and a host that fails on POL_ELIMIT (the PostgreSQL
 * extension) gives it as ERROR, as policyc check does. The step budget
 * stopping the same search is still POL_ELIMIT. */
static void report_status_fixed_limit(void **state) {
  fixture *f = *state;
  compile_policy(f, "must backtracks: s.matches(\"^(a+)+$\")\n",
                 "{\"s\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"}");
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 0, 0));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 0, 0), "ERROR");
  assert_non_null(strstr(pol_report_reason(f->rep, 0, 0), "match limit"));
  assert_int_equal(pol_report_status(f->rep, 0, 0), POL_ERUNTIME);
  assert_pol_ok(f, pol_ctx_set_limits(f->ctx, 1000, 0));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 1, 0), "ERROR");
  assert_non_null(strstr(pol_report_reason(f->rep, 1, 0), "more than 1000"));
  assert_int_equal(pol_report_status(f->rep, 1, 0), POL_ELIMIT);
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
  assert_int_equal(d.col, 8); /* at the module's name */
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

/* A module file found but not read (larger than 64 MiB; unreadable,
 * when not run as root) is an error at the import, not a reason to
 * take the module of the same name from the next directory. */
static void unreadable_module(void **state) {
  fixture *f = *state;
  char dir[] = "/tmp/pol-embed-XXXXXX", a[64], b[64], big[80], other[80];
  assert_non_null(mkdtemp(dir));
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  assert_int_equal(mkdir(a, 0700), 0);
  assert_int_equal(mkdir(b, 0700), 0);
  snprintf(big, sizeof big, "%s/m.pol", a);
  snprintf(other, sizeof other, "%s/m.pol", b);
  write_text(big, "must mine: true\n");
  assert_int_equal(truncate(big, (off_t)65 << 20), 0); /* sparse */
  write_text(other, "must other: true\n");
  /* "" would search "/": refused, "." is the working directory */
  assert_int_equal(pol_env_add_import_dir(f->env, ""), POL_EINVAL);
  assert_pol_ok(f, pol_env_add_import_dir(f->env, a));
  assert_pol_ok(f, pol_env_add_import_dir(f->env, b));
  const char *src = "import \"m\"\n";
  assert_int_equal(pol_policy_compile(f->env, src, strlen(src), "<p>",
                                      &f->pol), POL_ESYNTAX);
  pol_diag d = POL_DIAG_INIT;
  assert_pol_ok(f, pol_diag_get(f->env, 0, &d));
  assert_string_equal(d.code, "E0901");
  assert_int_equal(d.col, 8);
  char want[200];
  snprintf(want, sizeof want, "module 'm': %s is larger than 64 MiB", big);
  assert_string_equal(d.message, want);
  if (geteuid() != 0) { /* root reads any file */
    write_text(big, "must mine: true\n");
    assert_int_equal(chmod(big, 0), 0);
    assert_int_equal(pol_policy_compile(f->env, src, strlen(src), "<p>",
                                        &f->pol), POL_ESYNTAX);
    assert_pol_ok(f, pol_diag_get(f->env, 0, &d));
    assert_string_equal(d.code, "E0206");
    snprintf(want, sizeof want, "module 'm': cannot read %s: %s", big,
             strerror(EACCES));
    assert_string_equal(d.message, want);
  }
  unlink(big);
  unlink(other);
  rmdir(a);
  rmdir(b);
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

/* ==== pol_value_json ===================================================== */

/* [src]'s value as JSON, indented by [indent]. */
static const char *json_of(fixture *f, const char *src, int indent) {
  const pol_value *v;
  int rc = eval_on(f, f->ctx, src, &v);
  assert_true(rc == POL_OK || rc == POL_ERUNTIME);
  const char *text = pol_value_json(f->ctx, v, indent);
  assert_non_null(text);
  return text;
}

static void value_json(void **state) {
  fixture *f = *state;
  assert_string_equal(
      json_of(f, "{'a': [1, 2u, 2.5, 'x', b'hi', true, null], "
                 "'d': duration('1.5s'), "
                 "'t': timestamp('2025-01-01T00:00:00Z')}", 0),
      "{\"a\":[1,2,2.5,\"x\",\"aGk=\",true,null],\"d\":\"1.5s\","
      "\"t\":\"2025-01-01T00:00:00Z\"}");
  assert_string_equal(json_of(f, "{'a': [1], 2: {}}", 2),
                      "{\n  \"a\": [\n    1\n  ],\n  \"2\": {}\n}");
  /* exact beyond a double's 53 bits; a double keeps its point */
  assert_string_equal(json_of(f, "[9007199254740993, 18446744073709551615u, "
                                 "1.0, -0.0]", 0),
                      "[9007199254740993,18446744073709551615,1.0,-0.0]");
  assert_string_equal(json_of(f, "'日本\\n\"'", 0), "\"日本\\n\\\"\"");
  assert_string_equal(json_of(f, "[double('NaN'), type(1), "
                                 "optional.of(2), optional.none()]", 0),
                      "[\"NaN\",\"int\",2,null]");
  /* an evaluation's error value */
  assert_string_equal(json_of(f, "1 / 0", 0),
                      "{\"error\":\"division by zero\"}");
  /* indent out of 0..16 is clamped */
  assert_string_equal(json_of(f, "[1]", -3), "[1]");
  assert_string_equal(json_of(f, "[1]", 100),
                      "[\n                1\n]");
  /* NULL answers NULL, as the accessors do */
  assert_null(pol_value_json(f->ctx, NULL, 0));
  const pol_value *v;
  assert_pol_ok(f, eval_on(f, f->ctx, "1", &v));
  assert_null(pol_value_json(NULL, v, 0));
  /* a built value, and a fact set's, read back the same */
  const char *json = "{\"k\":[true,{\"x\":\"日本\"}],\"n\":-7}";
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "j"));
  pol_builder *b = pol_facts_builder(f->facts);
  const char *keys[] = {"k", "n"};
  const char *xk[] = {"x"};
  const pol_value *x = pol_new_string(b, "日本", 6);
  const pol_value *items[] = {pol_new_bool(b, true), pol_new_map(b, xk, &x, 1)};
  const pol_value *vals[] = {pol_new_list(b, items, 2), pol_new_int(b, -7)};
  assert_string_equal(pol_value_json(f->ctx, pol_new_map(b, keys, vals, 2), 0),
                      json);
  assert_string_equal(pol_value_json(f->ctx, pol_facts_get(f->facts, "n"), 0),
                      "-7");
}

/* ==== builders say why they failed ======================================= */

/* A macro, so that a failure points at the constructor's line. */
#define expect_failure(b, v, status, msg)                                  \
  do {                                                                     \
    assert_null(v);                                                        \
    assert_int_equal(pol_builder_status(b), (status));                     \
    assert_string_equal(pol_builder_errmsg(b), (msg));                     \
  } while (0)

static void builder_errors(void **state) {
  fixture *f = *state;
  pol_builder *b = pol_facts_builder(f->facts);
  assert_int_equal(pol_builder_status(b), POL_OK);
  assert_string_equal(pol_builder_errmsg(b), "");
  expect_failure(b, pol_new_string(b, "ab\xff" "c", 4), POL_EFORMAT,
                 "pol_new_string: not valid UTF-8 at byte 2 of 4");
  /* a success sets the status back; the message stays */
  assert_non_null(pol_new_string(b, "日本", 6));
  assert_int_equal(pol_builder_status(b), POL_OK);
  assert_string_equal(pol_builder_errmsg(b),
                      "pol_new_string: not valid UTF-8 at byte 2 of 4");
  /* a truncated sequence, a surrogate, an overlong form */
  expect_failure(b, pol_new_string(b, "x\xe6\x97", 3), POL_EFORMAT,
                 "pol_new_string: not valid UTF-8 at byte 1 of 3");
  expect_failure(b, pol_new_string(b, "\xed\xa0\x80", 3), POL_EFORMAT,
                 "pol_new_string: not valid UTF-8 at byte 0 of 3");
  expect_failure(b, pol_new_string(b, "\xc0\xaf", 2), POL_EFORMAT,
                 "pol_new_string: not valid UTF-8 at byte 0 of 2");
  expect_failure(b, pol_new_string(b, NULL, 0), POL_EINVAL,
                 "pol_new_string: NULL text");
  expect_failure(b, pol_new_bytes(b, NULL, 3), POL_EINVAL,
                 "pol_new_bytes: NULL data of 3 bytes");
  expect_failure(b, pol_new_duration(b, 1, -1), POL_EINVAL,
                 "pol_new_duration: 1 s -1 ns is out of range");
  expect_failure(b, pol_new_timestamp(b, 253402300800, 0), POL_EINVAL,
                 "pol_new_timestamp: 253402300800 s 0 ns is out of range");
  const pol_value *one = pol_new_int(b, 1);
  const pol_value *items[] = {one, NULL};
  expect_failure(b, pol_new_list(b, items, 2), POL_EINVAL,
                 "pol_new_list: item 1 is NULL");
  /* an error is no item: it was kept, and a report wrote it as the
   * map {"error": "inner"} */
  const pol_value *bad_items[] = {one, pol_new_error(b, "inner")};
  expect_failure(b, pol_new_list(b, bad_items, 2), POL_EINVAL,
                 "pol_new_list: item 1 is an error value (inner); return "
                 "the error itself to fail");
  const char *keys1[] = {"x"};
  expect_failure(b, pol_new_map(b, keys1, bad_items + 1, 1), POL_EINVAL,
                 "pol_new_map: value 0 is an error value (inner); return "
                 "the error itself to fail");
  const char *dup[] = {"a", "a"}, *bad[] = {"ok", "\xff"};
  const pol_value *vals[] = {one, one};
  expect_failure(b, pol_new_map(b, dup, vals, 2), POL_EINVAL,
                 "pol_new_map: map literal has a repeated key");
  expect_failure(b, pol_new_map(b, bad, vals, 2), POL_EFORMAT,
                 "pol_new_map: key 1 is not valid UTF-8 at byte 0");
  expect_failure(b, pol_new_map(b, NULL, vals, 2), POL_EINVAL,
                 "pol_new_map: NULL keys");
  assert_int_equal(pol_builder_status(NULL), POL_EINVAL);
  assert_string_equal(pol_builder_errmsg(NULL), "no builder");
  assert_null(pol_new_string(NULL, "a", 1));
}

/* An allocator that refuses every request while [refuse] is set. */
typedef struct gate {
  bool refuse;
} gate;

static void *gated(void *user, void *ptr, size_t size) {
  gate *g = user;
  if (!size) {
    free(ptr);
    return NULL;
  }
  return g->refuse ? NULL : realloc(ptr, size);
}

static void builder_out_of_memory(void **state) {
  (void)state;
  gate g = {false};
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.alloc = gated;
  cfg.alloc_user = &g;
  pol_env *env;
  pol_facts *facts;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  assert_int_equal(pol_facts_new(env, &facts), POL_OK);
  pol_builder *b = pol_facts_builder(facts);
  enum { BIG = 1 << 20 };
  char *text = malloc(BIG);
  assert_non_null(text);
  memset(text, 'a', BIG);
  g.refuse = true;
  expect_failure(b, pol_new_string(b, text, BIG), POL_ENOMEM,
                 "pol_new_string: out of memory");
  g.refuse = false;
  assert_non_null(pol_new_string(b, text, BIG));
  assert_int_equal(pol_builder_status(b), POL_OK);
  free(text);
  pol_facts_free(facts);
  pol_env_free(env);
}

/* A host function that passes a constructor's NULL straight on: its
 * evaluation's error says what the constructor said. */
static const pol_value *bad_text(pol_builder *b, const pol_value *const *args,
                                 size_t nargs, void *user) {
  (void)args;
  (void)nargs;
  (void)user;
  return pol_new_string(b, "ok\xfe", 3);
}

static void host_function_builder_error(void **state) {
  fixture *f = *state;
  assert_pol_ok(f, pol_env_register_value_fn(f->env, "bad_text", 0, 0,
                                             bad_text, NULL));
  const pol_value *v;
  assert_int_equal(eval_on(f, f->ctx, "bad_text()", &v), POL_ERUNTIME);
  assert_string_equal(pol_ctx_errmsg(f->ctx),
                      "t:1:1: host function 'bad_text' returned nothing: "
                      "pol_new_string: not valid UTF-8 at byte 2 of 3");
}

/* ==== pol_ctx_set_as_of ================================================== */

/* now() is the ctx's date in pol_eval and in a check into a report
 * without one; the report's own date wins; NULL gives the clock back. A
 * host that must give the same answer twice (the PostgreSQL extension's
 * STABLE functions) depends on it. */
#define NOW_IS_DATE "now() == timestamp('2026-12-05T00:00:00Z')"
#define NOW_AFTER_2000 "now() > timestamp('2000-01-01T00:00:00Z')"

static void ctx_as_of_is_now(void **state) {
  fixture *f = *state;
  const pol_value *v;
  int64_t sec = 0;
  int32_t ns = -1;
  assert_pol_ok(f, pol_ctx_set_as_of(f->ctx, "2026-12-05"));
  assert_pol_ok(f, eval_on(f, f->ctx, "now()", &v));
  assert_true(pol_value_timestamp(v, &sec, &ns));
  assert_int_equal(sec, 1796428800); /* 2026-12-05T00:00:00Z */
  assert_int_equal(ns, 0);
  /* a check into a report without a date of its own */
  compile_policy(f, "must fresh: " NOW_IS_DATE, "{}");
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 0, 0), "PASS");
  /* the report's date wins, for its checks only */
  assert_pol_ok(f, pol_report_set_as_of(f->rep, "2027-01-01"));
  assert_pol_ok(f, pol_check(f->ctx, f->rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(f->rep, 1, 0), "FAIL");
  assert_pol_ok(f, eval_on(f, f->ctx, NOW_IS_DATE, &v));
  assert_true(pol_value_bool(v));
  /* a bad date is refused and the ctx keeps its date */
  assert_int_equal(pol_ctx_set_as_of(f->ctx, "2026-13-01"), POL_EFORMAT);
  assert_pol_ok(f, eval_on(f, f->ctx, NOW_IS_DATE, &v));
  assert_true(pol_value_bool(v));
  /* NULL: the clock again (any clock is past 2000, unlike 1999-01-01) */
  assert_pol_ok(f, pol_ctx_set_as_of(f->ctx, "1999-01-01"));
  assert_pol_ok(f, pol_ctx_set_as_of(f->ctx, NULL));
  assert_pol_ok(f, eval_on(f, f->ctx, NOW_AFTER_2000, &v));
  assert_true(pol_value_bool(v));
  assert_int_equal(pol_ctx_set_as_of(NULL, "2026-12-05"), POL_EINVAL);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(ctx_limits_are_per_ctx, setup, teardown),
      cmocka_unit_test_setup_teardown(report_status_fixed_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(report_status_per_rule, setup, teardown),
      cmocka_unit_test_setup_teardown(ctx_as_of_is_now, setup, teardown),
      cmocka_unit_test_setup_teardown(report_status_memory_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(no_file_imports, setup_no_files,
                                      teardown),
      cmocka_unit_test_setup_teardown(unreadable_module, setup, teardown),
      cmocka_unit_test(unknown_flags_refused),
      cmocka_unit_test_setup_teardown(value_json, setup, teardown),
      cmocka_unit_test_setup_teardown(builder_errors, setup, teardown),
      cmocka_unit_test(builder_out_of_memory),
      cmocka_unit_test_setup_teardown(host_function_builder_error, setup,
                                      teardown),
  };
  return RUN_TESTS("embed", tests, argc, argv);
}
