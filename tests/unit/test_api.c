/*
 * test_api.c: the public contract of include/pol.h: status codes,
 * messages with locations, error absorption, limits, facts and value
 * accessors. Uses only the public header.
 */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "pol.h"

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts;
  pol_program *prog;
} fixture;

static int setup_limits(void **state, uint64_t steps, size_t mem) {
  fixture *f = calloc(1, sizeof *f);
  pol_config cfg;
  pol_config_init(&cfg);
  if (steps)
    cfg.max_steps = steps;
  if (mem)
    cfg.max_memory = mem;
  if (pol_env_new(&cfg, &f->env) || pol_ctx_new(f->env, &f->ctx) ||
      pol_facts_new(f->env, &f->facts))
    return -1;
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_limits(state, 0, 0); }

static int teardown(void **state) {
  fixture *f = *state;
  pol_program_free(f->prog);
  pol_facts_free(f->facts);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}

/* Compile and evaluate [src]; returns the status, *out the value text. */
static int eval(fixture *f, const char *src, const char **out) {
  pol_program_free(f->prog);
  f->prog = NULL;
  int rc = pol_compile_expr(f->env, src, strlen(src), "t", f->facts, &f->prog);
  if (rc != POL_OK)
    return rc;
  const pol_value *v;
  rc = pol_eval(f->ctx, f->prog, f->facts, &v);
  *out = rc == POL_OK ? pol_value_format(f->ctx, v) : pol_ctx_errmsg(f->ctx);
  return rc;
}

static void expect(fixture *f, const char *src, const char *want) {
  const char *got = "";
  int rc = eval(f, src, &got);
  if (rc != POL_OK)
    fail_msg("%s: status %d: %s %s", src, rc, pol_env_errmsg(f->env), got);
  assert_string_equal(got, want);
}

static void values_print_as_literals(void **state) {
  fixture *f = *state;
  expect(f, "1 + 2", "3");
  expect(f, "3u * 2u", "6u");
  expect(f, "1.5 + 1.0", "2.5");
  expect(f, "'a' + \"b\"", "\"ab\"");
  expect(f, "[1, 2] + [3]", "[1, 2, 3]");
  expect(f, "{'a': 1}['a']", "1");
  expect(f, "type(1u)", "uint");
  expect(f, "null", "null");
}

static void errors_are_absorbed_in_either_order(void **state) {
  fixture *f = *state;
  expect(f, "false && 1 / 0 > 0", "false");
  expect(f, "1 / 0 > 0 && false", "false");
  expect(f, "true || x", "true");
  expect(f, "x || true", "true");
  expect(f, "x.y || true", "true");
  expect(f, "false ? x : 2", "2");
  const char *msg;
  assert_int_equal(eval(f, "x && true", &msg), POL_ERUNTIME);
  assert_string_equal(msg, "t:1:1: no such key or variable: 'x'");
}

static void runtime_error_has_location(void **state) {
  fixture *f = *state;
  const char *msg;
  assert_int_equal(eval(f, "1 +\n  (2 / 0)", &msg), POL_ERUNTIME);
  /* the location is the start of the failing sub-expression */
  assert_string_equal(msg, "t:2:4: division by zero");
}

static void compile_error_has_diagnostics(void **state) {
  fixture *f = *state;
  const char *msg;
  assert_int_equal(eval(f, "size(1, 2)", &msg), POL_ESYNTAX);
  assert_int_equal(pol_diag_count(f->env), 1);
  pol_diag d = POL_DIAG_INIT;
  assert_pol_ok(f, pol_diag_get(f->env, 0, &d));
  assert_int_equal(d.line, 1);
  assert_int_equal(d.col, 1);
  assert_string_equal(d.file, "t");
  assert_non_null(strstr(d.message, "size"));
  assert_int_equal(pol_diag_get(f->env, 1, &d), POL_EINVAL);
  /* an unknown function is an error value, as in CEL: || absorbs it */
  assert_int_equal(eval(f, "nosuch(1)", &msg), POL_ERUNTIME);
  assert_string_equal(msg, "t:1:1: unknown function 'nosuch'");
  expect(f, "nosuch(1) || true", "true");
}

static void step_limit_stops_loops(void **state) {
  fixture *f = *state;
  const char *msg;
  expect(f, "[1, 2, 3].all(x, x > 0)", "true");
  int rc = eval(f, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(x, "
                   "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(y, x * y))",
                &msg);
  assert_int_equal(rc, POL_ELIMIT);
  assert_non_null(strstr(msg, "limit"));
}

static int setup_small(void **state) { return setup_limits(state, 100, 0); }

static void memory_limit(void **state) {
  fixture *f = *state;
  const char *msg;
  /* string(x) keeps the concatenation from folding into a constant */
  int rc = eval(f, "[1, 2, 3, 4, 5, 6, 7, 8].map(x, string(x) + "
                   "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')",
                &msg);
  assert_int_equal(rc, POL_ELIMIT);
  assert_non_null(strstr(msg, "memory"));
}

static int setup_tiny_memory(void **state) {
  return setup_limits(state, 0, 256);
}

static void facts_bind_variables(void **state) {
  fixture *f = *state;
  const char *json = "{\"backup\": {\"generations\": 7}, \"region\": \"JP\"}";
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  assert_pol_ok(f, pol_facts_bind_literal(f->facts, "a.b", "[1u]", 4));
  expect(f, "backup.generations >= 7 && region in ['JP', 'US']", "true");
  expect(f, "a.b", "[1u]");
  const char *msg;
  assert_int_equal(eval(f, "backup.offered", &msg), POL_ERUNTIME);
  assert_string_equal(msg, "t:1:1: no such key: 'backup.offered'");
}

/* A fact set's longer strings are read without their hash (the reader
 * leaves it for whoever needs it): comparing them, looking them up as
 * keys and using them as keys of new maps must work as for any string.
 * Both ways of loading: one text (containers linked as they are read)
 * and a stream (linked afterwards). */
static void fact_strings_without_hashes(void **state) {
  fixture *f = *state;
  const char *json =
      "{\"k\": \"a key longer than sixteen bytes\", \"same\": "
      "\"b key longer than sixteen bytes\", \"mid\": \"eight by\", "
      "\"names\": {\"a key longer than sixteen bytes\": 1, \"eight by\": 2}}";
  for (int way = 0; way < 2; way++) {
    size_t pos = 0;
    if (way == 0)
      assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
    else
      assert_pol_ok(f, pol_facts_load_json_next(f->facts, json, strlen(json),
                                                &pos, "v"));
    expect(f, "k == 'a key longer than sixteen bytes'", "true");
    expect(f, "k == 'b key longer than sixteen bytes'", "false");
    expect(f, "k != same && k == k", "true");
    expect(f, "mid == 'eight by' && mid != 'eight bz'", "true");
    expect(f, "names[k] + names[mid]", "3");
    expect(f, "k in names && mid in names && !(same in names)", "true");
    expect(f, "{k: 1}[k] + {k: 2}['a key longer than sixteen bytes']", "3");
    expect(f, "{mid: 5}['eight by']", "5");
    expect(f, "[k, mid].filter(x, x in names).size()", "2");
  }
}

/* A realloc-style allocator that counts the bytes asked for. */
static void *counting(void *user, void *ptr, size_t size) {
  if (!size) {
    free(ptr);
    return NULL;
  }
  *(size_t *)user += size;
  return realloc(ptr, size);
}

/* pol_facts_bind_all binds another set's variables as binding each in
 * turn would (a variable the set has keeps its place), copied, in one
 * map: `policyc eval --facts A --facts B` bound B's keys one by one, each
 * copying the map of all the variables (20,000 keys: 34.5 G
 * instructions, and as many maps). */
static void facts_bind_all(void **state) {
  fixture *f = *state;
  const char *a = "{\"a\": 1, \"b\": {\"c\": [1, 2]}}";
  const char *b = "{\"b\": {\"c\": [3]}, \"d\": \"x\", \"\": 5}";
  pol_facts *g;
  assert_pol_ok(f, pol_facts_load_json(f->facts, a, strlen(a), "a"));
  assert_int_equal(pol_facts_new(f->env, &g), POL_OK);
  assert_int_equal(pol_facts_load_json(g, b, strlen(b), "b"), POL_OK);
  assert_pol_ok(f, pol_facts_bind_all(f->facts, g));
  pol_facts_free(g); /* copied */
  assert_int_equal(pol_facts_count(f->facts), 4);
  static const char *const names[] = {"a", "b", "d", ""};
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(pol_facts_name(f->facts, i), names[i]);
  expect(f, "a + b.c[0] + size(b.c) + size(d)", "6");
  assert_pol_ok(f, pol_facts_bind_all(f->facts, f->facts)); /* itself */
  assert_int_equal(pol_facts_count(f->facts), 4);
  expect(f, "a + b.c[0] + size(b.c) + size(d)", "6");
  assert_int_equal(pol_facts_bind_all(NULL, f->facts), POL_EINVAL);
  assert_int_equal(pol_facts_bind_all(f->facts, NULL), POL_EINVAL);

  /* 20,000 variables: one map, a few MB in all */
  enum { N = 20000 };
  size_t asked = 0, cap = (size_t)N * 24 + 16, n = 1;
  char *wide = malloc(cap);
  assert_non_null(wide);
  wide[0] = '{';
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(wide + n, cap - n, "%s\"k%d\": %d", i ? ", " : "",
                          i, i);
  n += (size_t)snprintf(wide + n, cap - n, "}");
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.alloc = counting;
  cfg.alloc_user = &asked;
  pol_env *env;
  pol_facts *into, *from;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  assert_int_equal(pol_facts_new(env, &into), POL_OK);
  assert_int_equal(pol_facts_new(env, &from), POL_OK);
  assert_int_equal(pol_facts_load_json(into, a, strlen(a), "a"), POL_OK);
  assert_int_equal(pol_facts_load_json(from, wide, n, "wide"), POL_OK);
  asked = 0;
  assert_int_equal(pol_facts_bind_all(into, from), POL_OK);
  assert_int_equal(pol_facts_count(into), N + 2);
  assert_true(asked < (size_t)8 << 20);
  pol_facts_free(from);
  pol_facts_free(into);
  pol_env_free(env);
  free(wide);
}

static void facts_errors(void **state) {
  fixture *f = *state;
  assert_int_equal(pol_facts_load_json(f->facts, "{\"a\": }", 7, "v.json"),
                   POL_EFORMAT);
  assert_string_equal(pol_facts_errmsg(f->facts),
                      "v.json:1:7: expected a value, found '}'");
  assert_int_equal(pol_facts_load_json(f->facts, "[1]", 3, "v.json"),
                   POL_EFORMAT);
  assert_non_null(strstr(pol_facts_errmsg(f->facts), "JSON object"));
  assert_int_equal(pol_facts_bind_literal(f->facts, "x", "1 +", 3),
                   POL_EFORMAT);
  assert_int_equal(pol_facts_bind_literal(f->facts, "x", "1/0", 3),
                   POL_EFORMAT);
  assert_int_equal(pol_facts_bind_literal(f->facts, "", "1", 1), POL_EINVAL);
}

static void value_accessors(void **state) {
  fixture *f = *state;
  const char *src = "{'n': [1, 2u, 2.5, 'x', b'y', true]}";
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), NULL, NULL,
                                    &f->prog));
  const pol_value *v;
  assert_pol_ok(f, pol_eval(f->ctx, f->prog, NULL, &v));
  assert_int_equal(pol_value_type(v), POL_T_MAP);
  const pol_value *l = pol_value_get(v, "n");
  assert_int_equal(pol_value_len(l), 6);
  assert_int_equal(pol_value_int(pol_value_at(l, 0)), 1);
  assert_int_equal(pol_value_uint(pol_value_at(l, 1)), 2);
  assert_true(pol_value_double(pol_value_at(l, 2)) == 2.5);
  size_t n;
  assert_string_equal(pol_value_str(pol_value_at(l, 3), &n), "x");
  assert_int_equal(pol_value_type(pol_value_at(l, 4)), POL_T_BYTES);
  assert_true(pol_value_bool(pol_value_at(l, 5)));
  assert_null(pol_value_at(l, 6));
  assert_null(pol_value_get(v, "missing"));
  size_t kn;
  assert_string_equal(pol_value_key(v, 0, &kn), "n");
  assert_int_equal(kn, 1);
  assert_ptr_equal(pol_value_entry(v, 0), l);
  assert_null(pol_value_key(v, 1, NULL));
  assert_null(pol_value_entry(l, 0)); /* not a map */
}

/* One program, many threads, same answers. */
typedef struct job {
  pol_env *env;
  const pol_program *prog;
  const pol_facts *facts;
  int ok;
} job;

static void *worker(void *arg) {
  job *j = arg;
  pol_ctx *ctx;
  if (pol_ctx_new(j->env, &ctx) != POL_OK)
    return NULL;
  for (int i = 0; i < 2000; i++) {
    const pol_value *v;
    if (pol_eval(ctx, j->prog, j->facts, &v) == POL_OK &&
        strcmp(pol_value_format(ctx, v), "[2, 4, 6]") == 0)
      j->ok++;
  }
  pol_ctx_free(ctx);
  return NULL;
}

static void one_program_many_threads(void **state) {
  fixture *f = *state;
  const char *src = "xs.map(x, x * k)";
  assert_pol_ok(f, pol_facts_bind_literal(f->facts, "xs", "[1, 2, 3]", 9));
  assert_pol_ok(f, pol_facts_bind_literal(f->facts, "k", "2", 1));
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), NULL, NULL,
                                    &f->prog));
  enum { T = 4 };
  pthread_t th[T];
  job jobs[T];
  for (int i = 0; i < T; i++) {
    jobs[i] = (job){f->env, f->prog, f->facts, 0};
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < T; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(jobs[i].ok, 2000);
  }
}

/* One policy, checked from several threads: the same verdicts. */
typedef struct check_job {
  pol_env *env;
  const pol_policy *pol;
  const pol_facts *facts;
  char verdicts[64];
} check_job;

static void verdict_string(const pol_report *rep, const pol_policy *pol,
                           char *out) {
  for (size_t r = 0; r < pol_policy_rule_count(pol); r++)
    out[r] = pol_report_verdict(rep, 0, r)[0];
  out[pol_policy_rule_count(pol)] = '\0';
}

static void *check_worker(void *arg) {
  check_job *j = arg;
  pol_ctx *ctx;
  pol_report *rep;
  if (pol_ctx_new(j->env, &ctx) != POL_OK ||
      pol_report_new(j->pol, POL_UNKNOWN_FAIL, &rep) != POL_OK)
    return NULL;
  char first[64] = "";
  for (int i = 0; i < 500; i++) {
    pol_report_reset(rep);
    pol_check(ctx, rep, j->facts, "v");
    verdict_string(rep, j->pol, j->verdicts);
    if (i == 0)
      memcpy(first, j->verdicts, sizeof first);
    else if (strcmp(first, j->verdicts) != 0)
      strcpy(j->verdicts, "unstable");
  }
  pol_report_free(rep);
  pol_ctx_free(ctx);
  return NULL;
}

static void one_policy_many_threads(void **state) {
  fixture *f = *state;
  const char *src =
      "must a: backup.generations >= 7\n"
      "should b: data.countries.all(c, c in [JP])\n"
      "may c: auth.mfa\n"
      "rule d { when has(x.y)\n require x.y }\n"
      "must e: backup.generations + \"x\" == \"\"\n";
  const char *json = "{\"backup\": {\"generations\": 9}, "
                     "\"data\": {\"countries\": [\"JP\", \"US\"]}, "
                     "\"x\": {}}";
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "p", &pol));
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
  pol_report *rep;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
  char serial[64];
  verdict_string(rep, pol, serial);
  assert_string_equal(serial, "PFUSE"); /* PASS FAIL UNKNOWN SKIPPED ERROR */
  enum { T = 4 };
  pthread_t th[T];
  check_job jobs[T];
  for (int i = 0; i < T; i++) {
    jobs[i] = (check_job){f->env, pol, f->facts, ""};
    pthread_create(&th[i], NULL, check_worker, &jobs[i]);
  }
  for (int i = 0; i < T; i++) {
    pthread_join(th[i], NULL);
    assert_string_equal(jobs[i].verdicts, serial);
  }
  pol_report_free(rep);
  pol_policy_free(pol);
}

static void files_that_cannot_be_read(void **state) {
  fixture *f = *state;
  pol_policy *pol = (pol_policy *)1;
  assert_int_equal(pol_policy_compile_file(f->env, "/nonexistent.pol", &pol),
                   POL_EIO);
  assert_null(pol);
  assert_string_equal(pol_env_errmsg(f->env),
                      "/nonexistent.pol: No such file or directory");
  assert_int_equal(pol_policy_compile_file(f->env, "/", &pol), POL_EIO);
  assert_string_equal(pol_env_errmsg(f->env), "/: Is a directory");
  assert_int_equal(pol_facts_load_file(f->facts, "/nonexistent.json"),
                   POL_EIO);
  assert_string_equal(pol_facts_errmsg(f->facts),
                      "/nonexistent.json: No such file or directory");
  /* and a file that reads: its name is the policy's source in messages */
  char path[] = "/tmp/pol-test-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "must r: x >\n", 12), 12);
  close(fd);
  assert_int_equal(pol_policy_compile_file(f->env, path, &pol), POL_ESYNTAX);
  pol_diag d = POL_DIAG_INIT;
  assert_pol_ok(f, pol_diag_get(f->env, 0, &d));
  assert_string_equal(d.file, path);
  unlink(path);
}

static void status_text(void **state) {
  (void)state;
  assert_string_equal(pol_strerror(POL_OK), "ok");
  assert_string_equal(pol_strerror(POL_ESYNTAX), "syntax error");
  assert_string_equal(pol_strerror(99), "unknown status");
  assert_int_equal(pol_version_number(), POL_VERSION_NUMBER);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(values_print_as_literals, setup, teardown),
      cmocka_unit_test_setup_teardown(errors_are_absorbed_in_either_order, setup, teardown),
      cmocka_unit_test_setup_teardown(runtime_error_has_location, setup, teardown),
      cmocka_unit_test_setup_teardown(compile_error_has_diagnostics, setup, teardown),
      cmocka_unit_test_setup_teardown(step_limit_stops_loops, setup_small, teardown),
      cmocka_unit_test_setup_teardown(memory_limit, setup_tiny_memory, teardown),
      cmocka_unit_test_setup_teardown(facts_bind_variables, setup, teardown),
      cmocka_unit_test_setup_teardown(fact_strings_without_hashes, setup, teardown),
      cmocka_unit_test_setup_teardown(facts_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(value_accessors, setup, teardown),
      cmocka_unit_test_setup_teardown(one_program_many_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(one_policy_many_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(files_that_cannot_be_read, setup, teardown),
      cmocka_unit_test_setup_teardown(facts_bind_all, setup, teardown),
      cmocka_unit_test(status_text),
  };
  if (argc > 1)
    cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
