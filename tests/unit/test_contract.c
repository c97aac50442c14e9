/*
 * test_contract.c: the promises of include/pol.h, each tested the way a
 * host breaks it: handles freed in an order the example never uses, a
 * fact set reused for the next vendor, NULL where a value was expected,
 * structs from an older header. The first eight tests are the
 * regressions of issue 8's defects; run under valgrind or ASan (make
 * valgrind, make asan) they also catch the reads of freed memory that an
 * assertion alone would not. Uses only the public header.
 */
#include "harness.h"

#include <stdlib.h>

#include "pol.h"

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts;
} fixture;

static int setup_config(void **state, const pol_config *cfg) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || pol_env_new(cfg, &f->env) || pol_ctx_new(f->env, &f->ctx) ||
      pol_facts_new(f->env, &f->facts))
    return -1;
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_config(state, NULL); }

static int teardown(void **state) {
  fixture *f = *state;
  pol_facts_free(f->facts);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}

static pol_policy *compile(fixture *f, const char *src, const char *name) {
  pol_policy *pol = NULL;
  int rc = pol_policy_compile(f->env, src, strlen(src), name, &pol);
  if (rc != POL_OK)
    fail_msg("%s: %s", name, pol_env_errmsg(f->env));
  return pol;
}

static void load(fixture *f, const char *json) {
  assert_pol_ok(f, pol_facts_load_json(f->facts, json, strlen(json), "v"));
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* ==== issue 8's defects ================================================== */

/* 1: a policy's strings are its own, not the env's diagnostics'. */
static void policy_outlives_next_compile(void **state) {
  fixture *f = *state;
  pol_policy *a = compile(f, "must r \"R\": x > 1\n", "a.pol");
  pol_program *prog = NULL;
  assert_int_equal(pol_compile_expr(f->env, "1 +", 3, "e", NULL, &prog),
                   POL_ESYNTAX);
  pol_policy *b = compile(f, "must s: y\n", "b.pol");
  unsigned line = 0, col = 0;
  assert_string_equal(pol_policy_rule_file(a, 0, &line, &col), "a.pol");
  assert_int_equal(line, 1);
  void *data = NULL;
  size_t len = 0;
  assert_pol_ok(f, pol_policy_save(a, &data, &len));
  pol_policy *back = NULL;
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "a.polc", &back));
  assert_string_equal(pol_policy_rule_id(back, 0), "r");
  assert_string_equal(pol_policy_rule_title(back, 0), "R");
  free(data);
  pol_policy_free(back);
  pol_policy_free(b);
  pol_policy_free(a);
}

/* 2: a result outlives its program and its facts. */
static void value_outlives_program(void **state) {
  fixture *f = *state;
  load(f, "{\"xs\": [\"a\", \"b\"]}");
  pol_program *prog = NULL;
  const char *src = "[[1, 2], {'k': xs}]";
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "e", NULL,
                                    &prog));
  const pol_value *v = NULL;
  assert_pol_ok(f, pol_eval(f->ctx, prog, f->facts, &v));
  pol_program_free(prog);
  pol_facts_reset(f->facts);
  load(f, "{\"xs\": [\"c\"]}");
  assert_int_equal(pol_value_len(v), 2);
  assert_int_equal(pol_value_len(pol_value_at(v, 0)), 2);
  assert_string_equal(pol_value_format(f->ctx, v),
                      "[[1, 2], {\"k\": [\"a\", \"b\"]}]");
}

/* 3: loading replaces the set: vendor 2 does not inherit vendor 1's
 * facts (it did, and a rule passed on facts vendor 2 never gave). */
static void reused_facts_do_not_merge(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, "must mfa: auth.mfa\n", "p.pol");
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  load(f, "{\"auth\": {\"mfa\": true}, \"a\": 1}");
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v1"));
  assert_string_equal(pol_report_verdict(rep, 0, 0), "PASS");
  pol_report_reset(rep);
  load(f, "{\"name\": \"vendor 2\"}");
  assert_int_equal(pol_facts_count(f->facts), 1);
  assert_null(pol_facts_get(f->facts, "auth"));
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v2"));
  assert_string_equal(pol_report_verdict(rep, 0, 0), "UNKNOWN");
  assert_string_equal(pol_report_missing_path(rep, 0, 0, 0), "auth.mfa");
  /* through the NDJSON reader too */
  const char *nd = "{\"auth\": {\"mfa\": true}}\n{\"b\": 2}\n";
  size_t pos = 0;
  assert_pol_ok(f, pol_facts_load_json_next(f->facts, nd, strlen(nd), &pos,
                                            "s"));
  assert_pol_ok(f, pol_facts_load_json_next(f->facts, nd, strlen(nd), &pos,
                                            "s"));
  assert_null(pol_facts_get(f->facts, "auth"));
  assert_non_null(pol_facts_get(f->facts, "b"));
  /* a failed load leaves the set empty, not half of the old vendor */
  assert_int_equal(pol_facts_load_json(f->facts, "{\"c\": ", 6, "bad"),
                   POL_EFORMAT);
  assert_int_equal(pol_facts_count(f->facts), 0);
  /* and reset empties it */
  load(f, "{\"d\": 1}");
  pol_facts_reset(f->facts);
  assert_int_equal(pol_facts_count(f->facts), 0);
  assert_null(pol_facts_get(f->facts, "d"));
  pol_report_free(rep);
  pol_policy_free(pol);
}

/* 4: every *_new sets *out to NULL when it fails; accessors take NULL. */
static void out_is_null_on_failure(void **state) {
  fixture *f = *state;
  pol_ctx *ctx = (pol_ctx *)1;
  assert_int_equal(pol_ctx_new(NULL, &ctx), POL_EINVAL);
  assert_null(ctx);
  pol_facts *facts = (pol_facts *)1;
  assert_int_equal(pol_facts_new(NULL, &facts), POL_EINVAL);
  assert_null(facts);
  pol_env *env = (pol_env *)1;
  pol_config cfg;
  memset(&cfg, 0, sizeof cfg); /* size member not set */
  assert_int_equal(pol_env_new(&cfg, &env), POL_EINVAL);
  assert_null(env);
  pol_program *prog = (pol_program *)1;
  assert_int_equal(pol_compile_expr(f->env, "1 +", 3, NULL, NULL, &prog),
                   POL_ESYNTAX);
  assert_null(prog);
  pol_policy *pol = (pol_policy *)1;
  assert_int_equal(pol_policy_compile(f->env, "must r: (", 9, "p", &pol),
                   POL_ESYNTAX);
  assert_null(pol);
  pol_report *rep = (pol_report *)1;
  assert_int_equal(pol_report_new(NULL, 0, &rep), POL_EINVAL);
  assert_null(rep);
  pol_writer *w = (pol_writer *)1;
  assert_int_equal(pol_writer_new(NULL, 0, 0, 0, NULL, NULL, &w), POL_EINVAL);
  assert_null(w);
}

static void accessors_take_null(void **state) {
  fixture *f = *state;
  load(f, "{\"m\": {\"a\": 1}, \"l\": [1]}");
  const pol_value *m = pol_facts_get(f->facts, "m");
  assert_int_equal(pol_value_type(pol_value_get(m, "x")), POL_T_ABSENT);
  assert_int_equal(pol_value_type(pol_value_get(m, "a")), POL_T_INT);
  assert_int_equal(pol_value_type(NULL), POL_T_ABSENT);
  assert_false(pol_value_bool(NULL));
  assert_int_equal(pol_value_int(NULL), 0);
  assert_int_equal(pol_value_len(NULL), 0);
  size_t len = 7;
  assert_null(pol_value_str(NULL, &len));
  assert_int_equal(len, 0);
  assert_null(pol_value_at(pol_facts_get(f->facts, "l"), 1));
  assert_null(pol_value_at(NULL, 0));
  assert_null(pol_value_key(m, 5, &len));
  assert_null(pol_value_entry(NULL, 0));
  assert_null(pol_value_get(NULL, "a"));
  int64_t s = 1;
  int32_t ns = 1;
  assert_false(pol_value_duration(NULL, &s, &ns));
  assert_int_equal(s, 0);
  assert_null(pol_facts_name(f->facts, 99));
  assert_null(pol_facts_value(f->facts, 99));
  assert_null(pol_facts_get(f->facts, "nope"));
}

/* 5: every diagnostic is in the message, however many and long. */
static void errmsg_holds_every_diagnostic(void **state) {
  fixture *f = *state;
  char src[40 * 80] = "";
  for (int i = 0; i < 40; i++) {
    char line[80];
    snprintf(line, sizeof line, "must rule_%02d_with_a_long_name: x == == 1\n", i);
    strcat(src, line);
  }
  pol_policy *pol = NULL;
  assert_int_equal(pol_policy_compile(f->env, src, strlen(src),
                                      "a-long-file-name-for-the-policy.pol",
                                      &pol), POL_ESYNTAX);
  size_t n = pol_diag_count(f->env);
  assert_int_equal(n, 40);
  const char *msg = pol_env_errmsg(f->env);
  assert_true(strlen(msg) > 1024);
  assert_int_equal(count_lines(msg) + 1, n); /* lines, no final newline */
  assert_non_null(strstr(msg, "a-long-file-name-for-the-policy.pol:40:"));
}

/* 6: a memory-limit error says where, like a step-limit error; 0 steps
 * means no limit, as 0 bytes does. */
static int setup_tiny(void **state) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.max_memory = 256;
  cfg.max_steps = 0;
  return setup_config(state, &cfg);
}

static void limits_are_located(void **state) {
  fixture *f = *state;
  const char *src = "[1, 2, 3].all(x, x > 0) &&\n"
                    "  [1, 2, 3, 4, 5, 6, 7, 8].map(x, string(x) + "
                    "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')"
                    " == []";
  pol_program *prog = NULL;
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "lim.cel",
                                    NULL, &prog));
  const pol_value *v = NULL;
  assert_int_equal(pol_eval(f->ctx, prog, NULL, &v), POL_ELIMIT);
  const char *msg = pol_ctx_errmsg(f->ctx);
  assert_non_null(strstr(msg, "memory"));
  assert_int_equal(strncmp(msg, "lim.cel:2:", 10), 0);
  pol_program_free(prog);
  /* in a report too: the rule's file and line */
  pol_policy *pol = compile(f, "policy \"p\" {}\n\n"
                               "must big: [1, 2, 3, 4, 5, 6, 7, 8].map(x, "
                               "string(x) + 'cccccccccccccccccccccccccccccc"
                               "cccccccccccccccccc') == []\n", "lim.pol");
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  load(f, "{}");
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
  assert_string_equal(pol_report_verdict(rep, 0, 0), "ERROR");
  assert_int_equal(strncmp(pol_report_reason(rep, 0, 0), "lim.pol:3:", 10),
                   0);
  pol_report_free(rep);
  pol_policy_free(pol);
}

/* 8: the library names the places it searched, not the CLI's variable. */
static void module_not_found_says_where(void **state) {
  fixture *f = *state;
  assert_pol_ok(f, pol_env_add_import_dir(f->env, "/nonexistent/mods"));
  pol_policy *pol = NULL;
  const char *src = "import \"no_such_module\"\nmust r: true\n";
  assert_int_equal(pol_policy_compile(f->env, src, strlen(src), "p.pol",
                                      &pol), POL_ESYNTAX);
  const char *msg = pol_env_errmsg(f->env);
  assert_non_null(strstr(msg, "no_such_module"));
  assert_non_null(strstr(msg, "/nonexistent/mods"));
  assert_null(strstr(msg, "POLICY_PATH"));
}

/* ==== the rest of the contract =========================================== */

static void config_and_diag_sizes(void **state) {
  (void)state;
  assert_string_equal(pol_version_string(), POL_VERSION_STRING);
  assert_int_equal(pol_version_number(), POL_VERSION_NUMBER);
  /* a config from an older header (no flags member) is taken */
  pol_config cfg;
  pol_config_init_size(&cfg, offsetof(pol_config, flags));
  pol_env *env = NULL;
  assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
  pol_program *prog = NULL;
  assert_int_equal(pol_compile_expr(env, "\"日本\" == )", 14, "e", NULL,
                                    &prog), POL_ESYNTAX);
  /* a diag from an older header: the members after its size stay */
  unsigned char raw[sizeof(pol_diag)];
  memset(raw, 0xAB, sizeof raw);
  pol_diag *old = (pol_diag *)(void *)raw;
  old->size = offsetof(pol_diag, offset);
  assert_int_equal(pol_diag_get(env, 0, old), POL_OK);
  assert_int_equal(old->col, 9); /* code points: "日本" is 4 columns */
  assert_int_equal(old->len, 1);
  assert_int_equal(raw[offsetof(pol_diag, offset)], 0xAB);
  pol_diag d = POL_DIAG_INIT;
  assert_int_equal(pol_diag_get(env, 0, &d), POL_OK);
  assert_int_equal(d.col, 9);
  assert_int_equal(d.offset, 12); /* bytes: "日本" is 8 */
  assert_int_equal(d.bytes, 1);
  d.size = 0;
  assert_int_equal(pol_diag_get(env, 0, &d), POL_EINVAL);
  pol_env_free(env);
}

static int setup_strict(void **state) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags = POL_STRICT_CALLS;
  return setup_config(state, &cfg);
}

static void strict_calls(void **state) {
  fixture *f = *state;
  pol_program *prog = NULL;
  assert_int_equal(pol_compile_expr(f->env, "nosuch(1)", 9, "e", NULL,
                                    &prog), POL_ESYNTAX);
  assert_non_null(strstr(pol_env_errmsg(f->env), "nosuch"));
  assert_int_equal(pol_compile_expr(f->env, "'a'.nosuch()", 12, "e", NULL,
                                    &prog), POL_ESYNTAX);
  assert_pol_ok(f, pol_compile_expr(f->env, "size('ab')", 10, "e", NULL,
                                    &prog));
  pol_program_free(prog);
}

static void lenient_calls(void **state) {
  fixture *f = *state;
  pol_program *prog = NULL;
  assert_pol_ok(f, pol_compile_expr(f->env, "nosuch(1)", 9, "e", NULL,
                                    &prog));
  const pol_value *v = NULL;
  assert_int_equal(pol_eval(f->ctx, prog, NULL, &v), POL_ERUNTIME);
  pol_program_free(prog);
}

static int stop_after(void *user) {
  int *calls = user;
  return ++*calls > 3;
}

static void interrupt_stops_work(void **state) {
  fixture *f = *state;
  int calls = 0;
  pol_ctx_set_interrupt(f->ctx, stop_after, &calls);
  const char *src = "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10]"
                    ".all(b, [1,2,3,4,5,6,7,8,9,10].all(c, "
                    "[1,2,3,4,5,6,7,8,9,10].all(d, a + b + c + d > 0))))";
  pol_program *prog = NULL;
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "e", NULL,
                                    &prog));
  const pol_value *v = NULL;
  assert_int_equal(pol_eval(f->ctx, prog, NULL, &v), POL_EINTERRUPT);
  pol_program_free(prog);
  /* between the rules of a check: the vendor is not added */
  pol_policy *pol = compile(f, "must a: true\nmust b: true\nmust c: true\n"
                               "must d: true\nmust e: true\n", "p.pol");
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  calls = 0;
  load(f, "{}");
  assert_int_equal(pol_check(f->ctx, rep, f->facts, "v"), POL_EINTERRUPT);
  assert_int_equal(pol_report_vendor_count(rep), 0);
  pol_ctx_set_interrupt(f->ctx, NULL, NULL);
  assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
  assert_int_equal(pol_report_vendor_count(rep), 1);
  pol_report_free(rep);
  pol_policy_free(pol);
}

static int count_polls(void *user) {
  ++*(int *)user;
  return 0;
}

/* A loop of few iterations, each heavy (x in a list of 20,000 items: a
 * step per item, cost.h), polls as a loop of many light ones does: by
 * the steps spent, not only every 1024 iterations. The 100 iterations
 * here spend some 1.6 million steps; polled every 1024 iterations only,
 * the callback was never called, and a host's cancel waited for the
 * whole loop (seconds, over a list of a million). */
static void interrupt_polls_heavy_loops(void **state) {
  fixture *f = *state;
  int calls = 0;
  size_t n = 20000, i, len = 0, cap = n * 8 + 16;
  char *json = malloc(cap);
  char src[600] = "[";
  pol_program *prog = NULL;
  const pol_value *v = NULL;
  assert_non_null(json);
  len += (size_t)snprintf(json, cap, "{\"l\": [");
  for (i = 1; i <= n; i++)
    len += (size_t)snprintf(json + len, cap - len, "%zu%s", i,
                            i < n ? "," : "]}");
  load(f, json);
  free(json);
  for (i = 1; i <= 100; i++) /* [1, ..., 100]: no loop of its own */
    snprintf(src + strlen(src), sizeof src - strlen(src), "%zu%s", i,
             i < 100 ? "," : "].all(x, !(x + 100000 in l))");
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "e", NULL,
                                    &prog));
  pol_ctx_set_interrupt(f->ctx, count_polls, &calls);
  assert_pol_ok(f, pol_eval(f->ctx, prog, f->facts, &v));
  assert_true(pol_value_bool(v));
  /* some 1.6 million steps, a poll per 65,536 (25 when written) */
  assert_in_range(calls, 15, 40);
  pol_ctx_set_interrupt(f->ctx, NULL, NULL);
  pol_program_free(prog);
}

static const char *const detach_policy =
    "must gens: backup.generations >= 7\n"
    "must subs: subprocessors.all(s, s.country in [\"JP\"])\n"
    "should sla: availability.sla_percent >= 99.9\n";
static const char *const detach_vendor =
    "{\"$vendor\": {\"name\": \"Vendor A\", \"service\": \"Svc\"},"
    " \"$evidence\": {\"backup.generations\": \"p. 12\"},"
    " \"backup\": {\"generations\": 9},"
    " \"subprocessors\": [{\"country\": \"JP\"}, {\"country\": \"US\"}]}";

/* Detached, a report no longer needs its fact set. */
static void detach_frees_the_facts(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, detach_policy, "p.pol");
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  pol_facts *v = NULL;
  assert_pol_ok(f, pol_facts_new(f->env, &v));
  assert_pol_ok(f, pol_facts_load_json(v, detach_vendor,
                                       strlen(detach_vendor), "a.json"));
  assert_pol_ok(f, pol_check(f->ctx, rep, v, "a.json"));
  assert_pol_ok(f, pol_report_detach(rep));
  pol_facts_free(v);
  assert_string_equal(pol_report_vendor_name(rep, 0), "Vendor A");
  assert_string_equal(pol_report_vendor(rep, 0, POL_VENDOR_SERVICE), "Svc");
  assert_string_equal(pol_report_vendor(rep, 0, POL_VENDOR_SOURCE), "a.json");
  assert_string_equal(pol_report_fact_path(rep, 0, 0, 0),
                      "backup.generations");
  assert_int_equal(pol_value_int(pol_report_fact_value(rep, 0, 0, 0)), 9);
  assert_string_equal(pol_report_fact_evidence(rep, 0, 0, 0), "p. 12");
  size_t k = pol_report_fact_count(rep, 0, 1);
  assert_int_equal(k, 2);
  assert_string_equal(pol_report_fact_path(rep, 0, 1, 1),
                      "subprocessors[1].country");
  assert_true(pol_report_fact_decided(rep, 0, 1, 1));
  assert_string_equal(pol_report_missing_path(rep, 0, 2, 0),
                      "availability.sla_percent");
  const char *json = pol_report_render(rep, POL_FORMAT_JSON, 0);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"subprocessors[1].country\""));
  pol_report_free(rep);
  pol_policy_free(pol);
}

static void check_one_rule(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, detach_policy, "p.pol");
  assert_int_equal(pol_policy_rule_find(pol, "subs"), 1);
  assert_int_equal(pol_policy_rule_find(pol, "nope"), POL_NOT_FOUND);
  assert_int_equal(pol_policy_rule_level(pol, 2), POL_SHOULD);
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  load(f, detach_vendor);
  assert_pol_ok(f, pol_check_rule(f->ctx, rep, f->facts, "a", 1));
  assert_int_equal(pol_report_verdict_code(rep, 0, 0), POL_SKIPPED);
  assert_int_equal(pol_report_verdict_code(rep, 0, 1), POL_FAIL);
  assert_int_equal(pol_report_verdict_code(rep, 0, 2), POL_SKIPPED);
  assert_int_equal(pol_report_verdict_code(rep, 0, 3), -1);
  assert_int_equal(pol_report_count(rep, 0, POL_SKIPPED), 2);
  assert_false(pol_report_compliant(rep, 0));
  assert_int_equal(pol_check_rule(f->ctx, rep, f->facts, "a", 3), POL_EINVAL);
  pol_report_free(rep);
  pol_policy_free(pol);
}

/* A writer's output fails cleanly when its sink does. */
static int failing_sink(void *user, const char *data, size_t len) {
  (void)data;
  (void)len;
  int *calls = user;
  return ++*calls > 1;
}

typedef struct sink {
  char buf[65536];
  size_t len;
} sink;

static int to_sink(void *user, const char *data, size_t len) {
  sink *s = user;
  if (s->len + len >= sizeof s->buf)
    return -1;
  memcpy(s->buf + s->len, data, len);
  s->len += len;
  s->buf[s->len] = '\0';
  return 0;
}

static void writer_and_chunks_agree(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile(f, detach_policy, "p.pol");
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  static sink whole, parts;
  whole.len = parts.len = 0;
  pol_writer *w1 = NULL, *w2 = NULL;
  assert_pol_ok(f, pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                                  to_sink, &whole, &w1));
  assert_pol_ok(f, pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                                  to_sink, &parts, &w2));
  for (int i = 0; i < 3; i++) {
    pol_report_reset(rep);
    load(f, i == 1 ? "{}" : detach_vendor);
    assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, "v"));
    assert_pol_ok(f, pol_writer_add(w1, rep));
    const char *text = NULL;
    size_t len = 0;
    assert_pol_ok(f, pol_report_chunk(rep, w2, &text, &len));
    assert_pol_ok(f, pol_writer_add_chunk(w2, rep, text, len));
  }
  assert_pol_ok(f, pol_writer_error(w1, "bad.json", "bad.json:1:2: oops"));
  assert_pol_ok(f, pol_writer_error(w2, "bad.json", "bad.json:1:2: oops"));
  assert_pol_ok(f, pol_writer_finish(w1));
  assert_pol_ok(f, pol_writer_finish(w2));
  assert_true(whole.len > 100);
  assert_string_equal(whole.buf, parts.buf);
  assert_non_null(strstr(whole.buf, "bad.json:1:2: oops"));
  pol_writer_free(w1);
  pol_writer_free(w2);
  /* a sink that fails */
  int calls = 0;
  pol_writer *w3 = NULL;
  assert_pol_ok(f, pol_writer_new(pol, POL_FORMAT_NDJSON, 0, POL_UNKNOWN_FAIL,
                                  failing_sink, &calls, &w3));
  pol_writer_add(w3, rep);
  pol_writer_add(w3, rep);
  assert_int_equal(pol_writer_finish(w3), POL_EIO);
  assert_true(strlen(pol_writer_errmsg(w3)) > 0);
  pol_writer_free(w3);
  pol_report_free(rep);
  pol_policy_free(pol);
}

/* Facts a host builds, and the durations and timestamps it reads. */
static void built_facts(void **state) {
  fixture *f = *state;
  pol_builder *b = pol_facts_builder(f->facts);
  pol_facts_reset(f->facts);
  const char *keys[] = {"retention", "audited", "gens"};
  const pol_value *vals[] = {pol_new_duration(b, 86400 * 30, 0),
                             pol_new_timestamp(b, 1735689600, 5),
                             pol_new_int(b, 9)};
  const pol_value *obj = pol_new_map(b, keys, vals, 3);
  assert_non_null(obj);
  assert_pol_ok(f, pol_facts_load_value(f->facts, obj));
  int64_t s = 0;
  int32_t ns = 0;
  assert_true(pol_value_timestamp(pol_facts_get(f->facts, "audited"), &s,
                                  &ns));
  assert_int_equal(s, 1735689600);
  assert_int_equal(ns, 5);
  pol_program *prog = NULL;
  const char *src = "retention >= duration('720h') && "
                    "audited < timestamp('2026-01-01T00:00:00Z') && gens > 7";
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "e", NULL,
                                    &prog));
  const pol_value *v = NULL;
  assert_pol_ok(f, pol_eval(f->ctx, prog, f->facts, &v));
  assert_true(pol_value_bool(v));
  pol_program_free(prog);
  /* out of range, bad text and a repeated key give NULL */
  assert_null(pol_new_duration(b, 400000000000, 0));
  assert_null(pol_new_timestamp(b, 0, 1000000000));
  assert_null(pol_new_string(b, "\xff", 1));
  const char *twice[] = {"a", "a"};
  const pol_value *two[] = {vals[2], vals[2]};
  assert_null(pol_new_map(b, twice, two, 2));
  assert_int_equal(pol_facts_load_value(f->facts, vals[2]), POL_EINVAL);
}

/* pol_policy_rule_find over many rules (an index, not a scan, since
 * `policyc diff` asks once per rule): every rule by its own id, the
 * anonymous ones too, in a compiled policy and in the same policy saved
 * and loaded; ids that are prefixes of others; an unknown id or NULL. */
static void rules_found_by_id(void **state) {
  fixture *f = *state;
  enum { N = 300 };
  size_t cap = (size_t)N * 48 + 64;
  char *src = malloc(cap);
  assert_non_null(src);
  size_t n = 0;
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(src + n, cap - n, i % 3 ? "must r%d: x == %d\n"
                                                  : "x > %d || x == %d\n",
                          i, i);
  pol_policy *pol = compile(f, src, "many.pol"), *back = NULL;
  void *data = NULL;
  size_t len = 0;
  assert_pol_ok(f, pol_policy_save(pol, &data, &len));
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "many.polc", &back));
  const pol_policy *both[2] = {pol, back};
  for (int k = 0; k < 2; k++) {
    assert_int_equal(pol_policy_rule_count(both[k]), N);
    for (size_t i = 0; i < N; i++)
      assert_int_equal(
          pol_policy_rule_find(both[k], pol_policy_rule_id(both[k], i)), i);
    assert_int_equal(pol_policy_rule_find(both[k], "r"), POL_NOT_FOUND);
    assert_int_equal(pol_policy_rule_find(both[k], NULL), POL_NOT_FOUND);
  }
  assert_int_equal(pol_policy_rule_find(NULL, "r1"), POL_NOT_FOUND);
  assert_int_equal(pol_policy_rule_find(pol, "r10"), 10);
  pol_policy_free(back);
  pol_policy_free(pol);
  free(data);
  free(src);
}

/* Waivers are found by vendor (waivers.c), not by a scan of them all:
 * 3,000 vendors with one or two waivers each (the table grows several
 * times), a second waiver of a rule refused and of another rule taken,
 * and each checked vendor waived for exactly its own rules; a vendor
 * with none, for none. */
static void many_waivers_by_vendor(void **state) {
  fixture *f = *state;
  enum { N = 3000 };
  static const char src[] =
      "must a: x == 1\nmust b: y == 1\nmust c: z == 1\n";
  pol_policy *pol = compile(f, src, "w.pol");
  pol_waivers *wv = NULL;
  assert_pol_ok(f, pol_waivers_new(pol, &wv));
  char name[32];
  pol_waiver w = POL_WAIVER_INIT;
  w.vendor = name;
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof name, "v%d", i);
    w.rule = "a";
    assert_int_equal(pol_waivers_add(wv, &w), POL_OK);
    w.rule = "b";
    if (i % 3 == 0)
      assert_int_equal(pol_waivers_add(wv, &w), POL_OK);
  }
  snprintf(name, sizeof name, "v7");
  w.rule = "a";
  assert_int_equal(pol_waivers_add(wv, &w), POL_EINVAL);
  assert_non_null(strstr(pol_waivers_errmsg(wv), "a second waiver"));
  w.rule = "c";
  assert_int_equal(pol_waivers_add(wv, &w), POL_OK);
  assert_int_equal(pol_waivers_count(wv), N + N / 3 + 1);
  pol_report *rep = NULL;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  assert_pol_ok(f, pol_report_set_waivers(rep, wv));
  static const char *const who[] = {"v0", "v1", "v7", "v2997", "v2999",
                                    "v3000"};
  static const int want[][3] = {{1, 1, 0}, {1, 0, 0}, {1, 0, 1},
                                {1, 1, 0}, {1, 0, 0}, {0, 0, 0}};
  for (size_t k = 0; k < sizeof who / sizeof *who; k++) {
    char json[96];
    snprintf(json, sizeof json,
             "{\"$vendor\": {\"name\": \"%s\"}, \"x\": 0, \"y\": 0, "
             "\"z\": 0}", who[k]);
    load(f, json);
    assert_pol_ok(f, pol_check(f->ctx, rep, f->facts, who[k]));
    for (size_t r = 0; r < 3; r++)
      assert_int_equal(pol_report_waiver(rep, k, r),
                       want[k][r] ? POL_WAIVER_ACTIVE : POL_WAIVER_NONE);
  }
  pol_report_free(rep);
  pol_waivers_free(wv);
  pol_policy_free(pol);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(policy_outlives_next_compile, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rules_found_by_id, setup, teardown),
      cmocka_unit_test_setup_teardown(many_waivers_by_vendor, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(value_outlives_program, setup, teardown),
      cmocka_unit_test_setup_teardown(reused_facts_do_not_merge, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(out_is_null_on_failure, setup, teardown),
      cmocka_unit_test_setup_teardown(accessors_take_null, setup, teardown),
      cmocka_unit_test_setup_teardown(errmsg_holds_every_diagnostic, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(limits_are_located, setup_tiny,
                                      teardown),
      cmocka_unit_test_setup_teardown(module_not_found_says_where, setup,
                                      teardown),
      cmocka_unit_test(config_and_diag_sizes),
      cmocka_unit_test_setup_teardown(strict_calls, setup_strict, teardown),
      cmocka_unit_test_setup_teardown(lenient_calls, setup, teardown),
      cmocka_unit_test_setup_teardown(interrupt_stops_work, setup, teardown),
      cmocka_unit_test_setup_teardown(interrupt_polls_heavy_loops, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(detach_frees_the_facts, setup, teardown),
      cmocka_unit_test_setup_teardown(check_one_rule, setup, teardown),
      cmocka_unit_test_setup_teardown(writer_and_chunks_agree, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(built_facts, setup, teardown),
  };
  return RUN_TESTS("contract", tests, argc, argv);
}
