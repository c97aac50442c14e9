/*
 * contract_embed.c: the promises of pol.h that issue 8 added for hosts
 * embedding the library: limits per ctx, a status code per rule result,
 * POL_NO_FILE_IMPORTS, values as JSON text, and constructors that say
 * why they failed.
 */
#define _POSIX_C_SOURCE 200809L
#include "contract.h"

#include <stdlib.h>
#include <string.h>

/* {==== limits per ctx ===================================================== */

static int eval_on(pol_env *env, pol_ctx *ctx, const pol_facts *f,
                   const char *src) {
  pol_program *prog = NULL;
  const pol_value *v;
  int rc = pol_compile_expr(env, src, strlen(src), "lim.cel", f, &prog);
  if (rc == POL_OK)
    rc = pol_eval(ctx, prog, f, &v);
  pol_program_free(prog);
  return rc;
}

static void test_ctx_limits(void) {
  pol_env *env = env_default();
  pol_facts *f = list_facts(env, 1000);
  pol_ctx *a = ctx_of(env), *b = ctx_of(env);
  const char *loop = "xs.all(x, x >= 0)";
  const char *mem = "xs.map(x, s + s + s + s).size() == 1000";
  test_name = "pol_ctx_set_limits";
  CHECK_RC(pol_ctx_set_limits(a, 100, 0), POL_OK);
  CHECK_RC(eval_on(env, a, f, loop), POL_ELIMIT);
  CHECK_PREFIX(pol_ctx_errmsg(a), "lim.cel:1:1: ");
  CHECK_HAS(pol_ctx_errmsg(a), "more than 100 steps");
  CHECK_RC(eval_on(env, b, f, loop), POL_OK); /* b keeps the env's */
  CHECK_RC(pol_ctx_set_limits(a, 0, 4096), POL_OK);
  CHECK_RC(eval_on(env, a, f, loop), POL_OK);
  CHECK_RC(eval_on(env, a, f, mem), POL_ELIMIT);
  CHECK_HAS(pol_ctx_errmsg(a), "memory limit");
  CHECK_RC(pol_ctx_set_limits(a, 0, 0), POL_OK);
  CHECK_RC(eval_on(env, a, f, mem), POL_OK);
  CHECK_RC(pol_ctx_set_limits(NULL, 0, 0), POL_EINVAL);
  pol_ctx_free(b);
  pol_ctx_free(a);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== a status code per rule result ====================================== */

static void test_report_status(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_policy *lim;
  pol_facts *f = list_facts(env, 1000);
  pol_facts *b = facts_of(env, VENDOR_B, SOURCES[1]);
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL), *lrep;
  test_name = "pol_report_status";
  CHECK_RC(pol_check(ctx, rep, b, SOURCES[1]), POL_OK);
  for (size_t r = 0; r < NRULES; r++)
    CHECK_RC(pol_report_status(rep, 0, r),
             VERDICTS_B[r] == POL_ERROR ? POL_ERUNTIME : POL_OK);
  CHECK_RC(pol_report_status(rep, 0, R_TYPEBUG), POL_ERUNTIME);
  CHECK_RC(pol_report_status(rep, 0, NRULES), POL_EINVAL);
  CHECK_RC(pol_report_status(rep, 1, 0), POL_EINVAL);
  CHECK_RC(pol_report_status(NULL, 0, 0), POL_EINVAL);
  /* a limit: POL_ELIMIT, from the ctx's limits */
  lim = policy_of(env, "must steps: xs.all(x, x >= 0)\n"
                       "must mem: xs.map(x, s + s + s + s).size() > 0\n"
                       "must type: s + 1 == 2\n", "lim.pol");
  lrep = report_of(lim, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_ctx_set_limits(ctx, 100, 4096), POL_OK);
  CHECK_RC(pol_check(ctx, lrep, f, "list.json"), POL_OK);
  CHECK_STR(pol_report_verdict(lrep, 0, 0), "ERROR");
  CHECK_RC(pol_report_status(lrep, 0, 0), POL_ELIMIT);
  CHECK_STR(pol_report_verdict(lrep, 0, 1), "ERROR");
  CHECK_RC(pol_report_status(lrep, 0, 1), POL_ELIMIT);
  CHECK_RC(pol_report_status(lrep, 0, 2), POL_ERUNTIME);
  CHECK_RC(pol_ctx_set_limits(ctx, 0, 0), POL_OK);
  CHECK_RC(pol_check(ctx, lrep, f, "list.json"), POL_OK);
  CHECK_RC(pol_report_status(lrep, 1, 0), POL_OK);
  CHECK_RC(pol_report_status(lrep, 1, 1), POL_OK);
  pol_report_free(lrep);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(b);
  pol_facts_free(f);
  pol_policy_free(lim);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

/* {==== POL_NO_FILE_IMPORTS =============================================== */

static void test_no_file_imports(void) {
  pol_env *plain = env_default();
  pol_env *closed = env_with(10000000, 0, POL_NO_FILE_IMPORTS);
  pol_env *newer = NULL;
  pol_config cfg;
  pol_policy *pol = NULL;
  char *main_file = dup_str(scratch_path("nfmain.pol"));
  const char *std = "import \"schema_backup\"\nbackup.generations >= 7\n";
  test_name = "POL_NO_FILE_IMPORTS";
  write_file(scratch_path("nfmod.pol"), "let limit = 7\n");
  write_file(main_file, "import \"nfmod\"\nn >= limit\n");
  CHECK_RC(pol_policy_compile_file(plain, main_file, &pol), POL_OK);
  pol_policy_free(pol);
  CHECK_RC(pol_policy_compile_file(closed, main_file, &pol), POL_ESYNTAX);
  CHECK(pol == NULL);
  CHECK_HAS(pol_env_errmsg(closed), "module 'nfmod' not found (file "
            "imports are disabled");
  CHECK_RC(pol_env_add_import_dir(closed, scratch), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(closed), "POL_NO_FILE_IMPORTS");
  CHECK_RC(pol_policy_compile(closed, std, strlen(std), "std.pol", &pol),
           POL_OK);
  pol_policy_free(pol);
  /* an unknown flag is refused, not ignored */
  pol_config_init(&cfg);
  cfg.flags = 1u << 20;
  CHECK_RC(pol_env_new(&cfg, &newer), POL_EINVAL);
  CHECK(newer == NULL);
  free(main_file);
  pol_env_free(closed);
  pol_env_free(plain);
}

/* }==== */

/* {==== values as JSON ===================================================== */

static void test_value_json(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, VENDOR_B, SOURCES[1]);
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog = NULL;
  const pol_value *v;
  const char *src = "{'n': [1, 18446744073709551615u, 0.5, b'\\x00'], "
                    "'d': duration('90s'), 'e': [1/0][0]}";
  test_name = "pol_value_json";
  CHECK_STR(pol_value_json(ctx, pol_facts_get(f, "backup"), 0),
            "{\"generations\":3}");
  CHECK_STR(pol_value_json(ctx, pol_facts_get(f, "$vendor"), 2),
            "{\n  \"name\": \"Beta\",\n  \"version\": null\n}");
  CHECK_RC(pol_compile_expr(env, src, strlen(src), "j.cel", NULL, &prog),
           POL_OK);
  /* a list holding an error is itself the error: the whole map is */
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_PREFIX(pol_value_json(ctx, v, 0), "{\"error\":");
  pol_program_free(prog);
  src = "{'n': [1, 18446744073709551615u, 0.5, b'\\x00'], "
        "'d': duration('90s')}";
  CHECK_RC(pol_compile_expr(env, src, strlen(src), "j.cel", NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  CHECK_STR(pol_value_json(ctx, v, 0),
            "{\"n\":[1,18446744073709551615,0.5,\"AA==\"],\"d\":\"90s\"}");
  CHECK(pol_value_json(ctx, NULL, 0) == NULL);
  CHECK(pol_value_json(NULL, v, 0) == NULL);
  /* the text is the ctx's: it survives the program, not the next call */
  pol_program_free(prog);
  CHECK_STR(pol_value_json(ctx, v, 0),
            "{\"n\":[1,18446744073709551615,0.5,\"AA==\"],\"d\":\"90s\"}");
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== builders say why they failed ======================================= */

static const pol_value *passes_null_on(pol_builder *b,
                                       const pol_value *const *args,
                                       size_t nargs, void *user) {
  (void)args;
  (void)nargs;
  (void)user;
  return pol_new_string(b, "\xe3\x81", 2); /* a cut-off あ */
}

static void test_builder_errors(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_builder *b;
  const char *keys[] = {"k", "k"};
  const pol_value *vals[2];
  pol_program *prog = NULL;
  const pol_value *v;
  test_name = "pol_builder_status and _errmsg";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  b = pol_facts_builder(f);
  CHECK_RC(pol_builder_status(b), POL_OK);
  CHECK_STR(pol_builder_errmsg(b), "");
  CHECK(pol_new_string(b, "\xe3\x81", 2) == NULL);
  CHECK_RC(pol_builder_status(b), POL_EFORMAT);
  CHECK_STR(pol_builder_errmsg(b),
            "pol_new_string: not valid UTF-8 at byte 0 of 2");
  vals[0] = vals[1] = pol_new_int(b, 1);
  CHECK_RC(pol_builder_status(b), POL_OK);
  CHECK(pol_new_map(b, keys, vals, 2) == NULL);
  CHECK_RC(pol_builder_status(b), POL_EINVAL);
  CHECK_PREFIX(pol_builder_errmsg(b), "pol_new_map: ");
  CHECK(pol_new_timestamp(b, 0, -1) == NULL);
  CHECK_RC(pol_builder_status(b), POL_EINVAL);
  CHECK_PREFIX(pol_builder_errmsg(b), "pol_new_timestamp: ");
  CHECK_RC(pol_builder_status(NULL), POL_EINVAL);
  CHECK(pol_builder_errmsg(NULL) != NULL);
  /* in a host function: the evaluation's error says it */
  CHECK_RC(pol_env_register_value_fn(env, "passes_null_on", 0, 0,
                                     passes_null_on, NULL), POL_OK);
  CHECK_RC(pol_compile_expr(env, "passes_null_on()", 16, "h.cel", NULL,
                            &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_STR(pol_ctx_errmsg(ctx), "h.cel:1:1: host function 'passes_null_on' "
            "returned nothing: pol_new_string: not valid UTF-8 at byte 0 "
            "of 2");
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== what a host builds ================================================= */

static const pol_value *fails_in_latin1(pol_builder *b,
                                        const pol_value *const *args,
                                        size_t n, void *user) {
  (void)args, (void)n, (void)user;
  return pol_new_error(b, "fichier \xe9" "crit \xff\xfe");
}

/* Values a host builds nest no deeper than JSON facts may (512): every
 * walk of a value recurses (pol_value_json, pol_value_format, a bind's
 * copy), and a list built 100,000 deep overflowed the stack in each. */
static void test_builder_nesting(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_builder *b;
  const pol_value *v, *deeper = NULL;
  const char *key = "k";
  long depth = 0;
  test_name = "built values nest at most 512 deep";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  b = pol_facts_builder(f);
  v = pol_new_int(b, 1);
  for (; depth < 100000; depth++) {
    if (!(deeper = depth % 2 ? pol_new_list(b, &v, 1)
                             : pol_new_map(b, &key, &v, 1)))
      break;
    v = deeper;
  }
  CHECK(depth == 512);
  CHECK_RC(pol_builder_status(b), POL_EINVAL);
  CHECK_HAS(pol_builder_errmsg(b), "deep");
  CHECK(pol_value_json(ctx, v, 0) != NULL);
  CHECK(pol_value_format(ctx, v) != NULL);
  CHECK_RC(pol_facts_bind_value(f, "deep", v), POL_OK);
  CHECK(pol_new_list(b, &v, 1) == NULL);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

/* An error a host function returns is text every report writes as it
 * is: pol_value_json promises RFC 8259 UTF-8, and the report's reason
 * and JSON carry the message. A message that is not UTF-8 (a C library's
 * text in Latin-1) went through byte for byte; its bad bytes are U+FFFD
 * now, as a string's would be refused. */
static void test_error_message_utf8(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog = NULL;
  pol_policy *pol;
  pol_report *rep;
  const pol_value *v;
  const char *json;
  test_name = "an error a host makes is UTF-8";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  v = pol_new_error(pol_facts_builder(f), "caf\xe9");
  json = pol_value_json(ctx, v, 0);
  CHECK(json && is_utf8(json));
  CHECK_STR(json, "{\"error\":\"caf\xef\xbf\xbd\"}");
  CHECK_RC(pol_env_register_value_fn(env, "latin1", 0, 0, fails_in_latin1,
                                     NULL), POL_OK);
  CHECK_RC(pol_compile_expr(env, "latin1()", 8, "h.cel", NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  json = pol_value_json(ctx, v, 0);
  CHECK(json && is_utf8(json));
  pol = policy_of(env, "must host: latin1()\n", "h.pol");
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "ERROR");
  CHECK(is_utf8(pol_report_reason(rep, 0, 0)));
  CHECK_HAS(pol_report_reason(rep, 0, 0), "fichier \xef\xbf\xbd");
  for (int format = 0; pol_format_name(format); format++)
    CHECK(is_utf8(pol_report_render(rep, format, 0)));
  pol_report_free(rep);
  pol_policy_free(pol);
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== explanations under the env's limits ============================== */

/* pol_explain_verdict is "exactly as pol_check gives it": also for a
 * rule that runs out of the env's steps, which a check on a ctx of the
 * env makes ERROR. The explainer ran under limits of its own (10,000,000
 * steps) and called such a rule PASS. */
static void test_explain_limits(void) {
  pol_env *env = env_with(2000, 0, POL_KEEP_SOURCE);
  const char *src = "must heavy: xs.all(i, xs.all(j, i + j >= 0))\n"
                    "must light: size(xs) == 1000\n";
  pol_policy *pol = policy_of(env, src, "heavy.pol");
  pol_facts *f = list_facts(env, 1000);
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_explain *x = NULL;
  test_name = "explain: the verdict pol_check gives, limits included";
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "ERROR");
  CHECK_RC(pol_report_status(rep, 0, 0), POL_ELIMIT);
  CHECK_RC(pol_explain_new(pol, &x), POL_OK);
  for (size_t r = 0; r < 2; r++) {
    CHECK_RC(pol_explain_rule(x, f, r, "en"), POL_OK);
    CHECK_STR(pol_explain_verdict(x), pol_report_verdict(rep, 0, r));
  }
  pol_explain_free(x);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A failing pol_explain_rule leaves no explanation: the accessors answer
 * as before the first call (NULL, 0, POL_EINVAL). A bad language or rule
 * left the previous rule's verdict and nodes, read as this rule's by a
 * host that missed the status; out of memory left a verdict of PASS
 * and nodes without values, which pol_explain_get then read through a
 * NULL pointer (UBSan; a crash). */
typedef struct {
  int fail; /* non-zero: every allocation fails */
} switched;

static void *switched_alloc(void *user, void *ptr, size_t size) {
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return ((switched *)user)->fail ? NULL : realloc(ptr, size);
}

static void explained_nothing(const pol_explain *x) {
  pol_explain_node node = POL_EXPLAIN_NODE_INIT;
  CHECK(pol_explain_verdict(x) == NULL);
  CHECK(pol_explain_sentence(x) == NULL);
  CHECK(pol_explain_node_count(x) == 0);
  CHECK_RC(pol_explain_get(x, 0, &node), POL_EINVAL);
}

static void test_explain_failure(void) {
  switched sw = {0};
  pol_config cfg;
  pol_env *env = NULL;
  pol_explain *x = NULL;
  test_name = "explain: a failing call leaves no explanation";
  pol_config_init(&cfg);
  cfg.alloc = switched_alloc;
  cfg.alloc_user = &sw;
  cfg.flags = POL_KEEP_SOURCE;
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  if (!env)
    return;
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  CHECK_RC(pol_explain_new(pol, &x), POL_OK);
  CHECK_RC(pol_explain_rule(x, f, R_REGION, "en"), POL_OK);
  CHECK_STR(pol_explain_verdict(x), "FAIL");
  CHECK_RC(pol_explain_rule(x, f, R_BACKUP, "EN"), POL_EINVAL);
  explained_nothing(x);
  CHECK_RC(pol_explain_rule(x, f, R_REGION, "en"), POL_OK);
  CHECK_RC(pol_explain_rule(x, f, NRULES, "en"), POL_EINVAL);
  explained_nothing(x);
  pol_explain_free(x);
  CHECK_RC(pol_explain_new(pol, &x), POL_OK); /* nothing warm in it */
  sw.fail = 1;
  CHECK_RC(pol_explain_rule(x, f, R_BACKUP, "en"), POL_ENOMEM);
  sw.fail = 0;
  explained_nothing(x);
  CHECK(pol_explain_render(x, POL_FORMAT_TEXT) == NULL);
  pol_explain_free(x);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

/* {==== out of memory: the same call can be tried again ====================
 * docs/embedding.md, "Custom allocator": when the allocator says NULL the
 * call returns POL_ENOMEM, "nothing leaks and every handle stays usable,
 * so the same call can be tried again". Each test fails allocation N of
 * one call, for every N the call makes, then makes the call again with
 * memory back and wants what a call that never failed gives. */

typedef struct {
  long count, fail_at; /* fail_at 0: no allocation fails */
} nth;

static void *nth_alloc(void *user, void *ptr, size_t size) {
  nth *s = user;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (s->fail_at && ++s->count == s->fail_at)
    return NULL;
  return realloc(ptr, size);
}

static pol_env *nth_env(nth *s, unsigned flags) {
  pol_config cfg;
  pol_env *env = NULL;
  pol_config_init(&cfg);
  cfg.alloc = nth_alloc;
  cfg.alloc_user = s;
  cfg.flags = flags;
  if (pol_env_new(&cfg, &env) != POL_OK) {
    fprintf(stderr, "pol_env_new failed\n");
    exit(2);
  }
  return env;
}

static void arm(nth *s, long n) {
  s->count = 0;
  s->fail_at = n;
}

/* Whether the armed allocation was asked for (else the call is done). */
static int disarm(nth *s) {
  int hit = s->count >= s->fail_at;
  s->fail_at = 0;
  return hit;
}

enum { MAX_POINTS = 3000 };

/* A check that ran out of memory failed every later check into the same
 * report with POL_ENOMEM, until pol_report_reset (the report kept the
 * mark of its arena's failed allocation); and a ctx whose first
 * evaluation could not get the first chunk of its arena failed every
 * evaluation after it (arena_reset kept the mark when there was no
 * chunk to rewind). */
static void test_oom_check_again(void) {
  nth s = {0, 0};
  test_name = "out of memory: pol_check can be tried again";
  pol_env *env = nth_env(&s, 0);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *a = facts_of(env, VENDOR_A, "a.json");
  pol_facts *b = facts_of(env, VENDOR_B, "b.json");
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_ctx *warm = ctx_of(env);
  int bad = 0, failures = 0;
  for (long n = 1; n < MAX_POINTS; n++) {
    pol_ctx *ctx = ctx_of(env); /* fresh: its arena has no chunk yet */
    pol_report_reset(rep);
    bad += pol_check(warm, rep, a, SOURCES[0]) != POL_OK;
    arm(&s, n);
    int rc = pol_check(ctx, rep, b, SOURCES[1]);
    int hit = disarm(&s);
    if (rc != POL_OK) {
      failures++;
      bad += rc != POL_ENOMEM || pol_report_vendor_count(rep) != 1;
      rc = pol_check(ctx, rep, b, SOURCES[1]);
    }
    bad += rc != POL_OK || pol_report_vendor_count(rep) != 2;
    for (size_t r = 0; rc == POL_OK && r < NRULES; r++)
      bad += pol_report_verdict_code(rep, 1, r) != VERDICTS_B[r];
    pol_ctx_free(ctx);
    if (!hit || bad)
      break;
  }
  CHECK(failures > 0);
  CHECK(bad == 0);
  pol_ctx_free(warm);
  pol_report_free(rep);
  pol_facts_free(b);
  pol_facts_free(a);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Every residual of vendor A's UNKNOWN rules, and its decisive facts,
 * as one text. */
static void residuals_of(const pol_report *rep, char *out, size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t r = 0; r < NRULES; r++) {
    const char *t = pol_report_residual(rep, 0, r);
    len += (size_t)snprintf(out + len, cap - len, "%zu: %s;", r,
                            t ? t : "-");
    for (size_t k = 0; k < pol_report_decisive_count(rep, 0, r); k++)
      len += (size_t)snprintf(out + len, cap - len, " %s",
                              pol_report_decisive_path(rep, 0, r, k));
    if (len >= cap)
      return;
  }
}

/* Residuals are worked out in a buffer of the report's; the first
 * shortage there marked it for good, so every residual read after it
 * was NULL and pol_report_detach said POL_ENOMEM for ever: a host that
 * retried could never free its fact set (freeing it anyway, as after a
 * detach, made the report read freed memory). */
static void test_oom_detach_again(void) {
  nth s = {0, 0};
  char want[1024], got[1024];
  test_name = "out of memory: pol_report_detach can be tried again";
  pol_env *env = nth_env(&s, 0);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *a = facts_of(env, VENDOR_A, "a.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, a, SOURCES[0]), POL_OK);
  residuals_of(rep, want, sizeof want);
  CHECK_HAS(want, "incident.hours");
  int bad = 0, failures = 0;
  for (long n = 1; n < MAX_POINTS; n++) {
    pol_report_free(rep); /* a new report: nothing worked out yet */
    rep = report_of(pol, POL_UNKNOWN_FAIL);
    bad += pol_check(ctx, rep, a, SOURCES[0]) != POL_OK;
    arm(&s, n);
    int rc = pol_report_detach(rep);
    int hit = disarm(&s);
    if (rc != POL_OK) {
      failures++;
      bad += rc != POL_ENOMEM;
      rc = pol_report_detach(rep);
    }
    bad += rc != POL_OK;
    residuals_of(rep, got, sizeof got);
    bad += strcmp(got, want) != 0;
    if (!hit || bad)
      break;
  }
  CHECK(failures > 0);
  CHECK(bad == 0);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(a);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Out of memory in pol_explain_rule is POL_ENOMEM and no explanation.
 * It was POL_OK with a "?" where a missing fact's path belongs, a
 * quantifier's deciding item without its path, and a sentence with a
 * hole ("data.countries[1] must be , but ..."). */
static void test_oom_explain(void) {
  nth s = {0, 0};
  pol_explain *x = NULL;
  test_name = "out of memory: pol_explain_rule explains all or nothing";
  pol_env *env = nth_env(&s, POL_KEEP_SOURCE);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *a = facts_of(env, VENDOR_A, "a.json");
  CHECK_RC(pol_explain_new(pol, &x), POL_OK);
  if (!x)
    return;
  static const size_t rules[] = {R_REGION, R_NOTICE, R_MFA};
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    CHECK_RC(pol_explain_rule(x, a, rules[i], "en"), POL_OK);
    const char *json = pol_explain_render(x, POL_FORMAT_JSON);
    char *want = json ? strdup(json) : NULL;
    CHECK(want != NULL);
    int bad = 0, failures = 0;
    for (long n = 1; want && n < MAX_POINTS; n++) {
      arm(&s, n);
      int rc = pol_explain_rule(x, a, rules[i], "en");
      json = rc == POL_OK ? pol_explain_render(x, POL_FORMAT_JSON) : NULL;
      int same = json && strcmp(json, want) == 0;
      int hit = disarm(&s);
      if (rc != POL_OK) {
        failures++;
        bad += rc != POL_ENOMEM || pol_explain_verdict(x) != NULL;
      } else if (json) {
        bad += !same;
      }
      if (!hit || bad)
        break;
    }
    CHECK(failures > 0);
    CHECK(bad == 0);
    free(want);
  }
  pol_explain_free(x);
  pol_facts_free(a);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_format out of memory is POL_ENOMEM: it was POL_ESYNTAX with the
 * diagnostic E0903 "the formatter could not lay this file out without
 * changing it (a bug: please report it)" when memory ran out while it
 * checked its own output. */
static void test_oom_format(void) {
  nth s = {0, 0};
  const char *text = NULL;
  size_t len = 0;
  test_name = "out of memory: pol_format says so";
  pol_env *env = nth_env(&s, 0);
  CHECK_RC(pol_format(env, POLICY, strlen(POLICY), "c.pol", &text, &len),
           POL_OK);
  char *want = text ? strdup(text) : NULL;
  int bad = 0, failures = 0;
  for (long n = 1; want && n < MAX_POINTS; n++) {
    arm(&s, n);
    int rc = pol_format(env, POLICY, strlen(POLICY), "c.pol", &text, &len);
    int hit = disarm(&s);
    if (rc != POL_OK) {
      failures++;
      bad += rc != POL_ENOMEM;
      rc = pol_format(env, POLICY, strlen(POLICY), "c.pol", &text, &len);
    }
    bad += rc != POL_OK || strcmp(text, want) != 0;
    if (!hit || bad)
      break;
  }
  CHECK(failures > 0);
  CHECK(bad == 0);
  free(want);
  pol_env_free(env);
}

/* A waiver set whose allocation failed once refused every later
 * pol_waivers_add with POL_ENOMEM (its arena kept the mark). */
static void test_oom_waivers_add(void) {
  nth s = {0, 0};
  pol_waiver w = POL_WAIVER_INIT;
  test_name = "out of memory: pol_waivers_add can be tried again";
  pol_env *env = nth_env(&s, 0);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  w.rule = "mfa";
  w.vendor = "ACME株式会社";
  w.owner = "CISO";
  w.justification = "MFA is being rolled out";
  w.ticket = "RISK-1";
  w.expires = "2030-01-01";
  int bad = 0, failures = 0;
  for (long n = 1; n < MAX_POINTS; n++) {
    pol_waivers *wv = NULL;
    bad += pol_waivers_new(pol, &wv) != POL_OK;
    arm(&s, n);
    int rc = pol_waivers_add(wv, &w);
    int hit = disarm(&s);
    if (rc != POL_OK) {
      failures++;
      bad += rc != POL_ENOMEM || pol_waivers_count(wv) != 0;
      rc = pol_waivers_add(wv, &w);
    }
    bad += rc != POL_OK || pol_waivers_count(wv) != 1;
    pol_waivers_free(wv);
    if (!hit || bad)
      break;
  }
  CHECK(failures > 0);
  CHECK(bad == 0);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_diag_render out of memory is the whole text or "out of memory":
 * it was the text with "?" where a diagnostic's file:line:col belongs. */
static void test_oom_diag_render(void) {
  nth s = {0, 0};
  pol_program *prog = NULL;
  test_name = "out of memory: pol_diag_render all or nothing";
  pol_env *env = nth_env(&s, 0);
  CHECK_RC(pol_compile_expr(env, "a +* b", 6, "x.cel", NULL, &prog),
           POL_ESYNTAX);
  const char *text = pol_diag_render(env, POL_RENDER_EXCERPT);
  char *want = text ? strdup(text) : NULL;
  CHECK_HAS(want, "x.cel:1:");
  int bad = 0;
  for (long n = 1; want && n < MAX_POINTS; n++) {
    pol_env *fresh = nth_env(&s, 0); /* nothing of its own rendered yet */
    pol_compile_expr(fresh, "a +* b", 6, "x.cel", NULL, &prog);
    arm(&s, n);
    text = pol_diag_render(fresh, POL_RENDER_EXCERPT);
    int hit = disarm(&s);
    bad += !text ||
           (strcmp(text, want) != 0 && strcmp(text, "out of memory") != 0);
    pol_env_free(fresh);
    if (!hit || bad)
      break;
  }
  CHECK(bad == 0);
  free(want);
  pol_env_free(env);
}

/* A report renders questions with the standard vocabulary's ("Can users
 * log in with multi-factor authentication?"), compiled when first
 * needed. When memory ran out compiling it, the questions came out
 * without it (other questions, other grouping) with no sign of failure,
 * and so did every later rendering of that report. Now such a rendering
 * is NULL, and the next one whole. */
static void test_oom_questions(void) {
  nth s = {0, 0};
  static const int formats[] = {POL_FORMAT_QUESTIONS, POL_FORMAT_HTML};
  test_name = "out of memory: questions whole or not at all";
  pol_env *env = nth_env(&s, 0);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *a = facts_of(env, VENDOR_A, "a.json");
  pol_ctx *ctx = ctx_of(env);
  CHECK_RC(pol_ctx_set_as_of(ctx, "2026-01-01"), POL_OK);
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
    pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
    CHECK_RC(pol_check(ctx, rep, a, SOURCES[0]), POL_OK);
    const char *text = pol_report_render(rep, formats[i], 0);
    char *want = text ? strdup(text) : NULL;
    CHECK_HAS(want, "multi-factor");
    int bad = 0, failures = 0;
    /* every point of the check and the first of the vocabulary's
     * compile, then every 16th of its ~800 (valgrind: make contract-san) */
    for (long n = 1; want && n < MAX_POINTS; n += n < 100 ? 1 : 16) {
      pol_report_free(rep); /* a new one: no vocabulary compiled yet */
      rep = report_of(pol, POL_UNKNOWN_FAIL);
      bad += pol_check(ctx, rep, a, SOURCES[0]) != POL_OK;
      arm(&s, n);
      text = pol_report_render(rep, formats[i], 0);
      int hit = disarm(&s);
      if (!text)
        failures++;
      else
        bad += strcmp(text, want) != 0;
      text = pol_report_render(rep, formats[i], 0);
      bad += !text || strcmp(text, want) != 0;
      if (!hit || bad)
        break;
    }
    CHECK(failures > 0);
    CHECK(bad == 0);
    free(want);
    pol_report_free(rep);
  }
  pol_ctx_free(ctx);
  pol_facts_free(a);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_config_init_size wrote through a NULL cfg (a crash), and for a
 * size below sizeof(size_t) wrote part of the size member;
 * pol_writer_options_init_size writes nothing in both cases. A size
 * above the library's struct gets the library's size and the rest is
 * left alone (pol_env_new then reads only what it knows). */
static void test_config_init_sizes(void) {
  union {
    pol_config cfg;
    unsigned char bytes[sizeof(pol_config) + 16];
  } u;
  int untouched = 1;
  test_name = "config init: NULL, tiny and larger sizes";
  pol_config_init_size(NULL, sizeof(pol_config));
  memset(&u, 0xab, sizeof u);
  pol_config_init_size(&u.cfg, 4);
  for (size_t i = 0; i < sizeof u.bytes; i++)
    untouched &= u.bytes[i] == 0xab;
  CHECK(untouched);
  pol_config_init_size(&u.cfg, sizeof u.bytes);
  CHECK(u.cfg.size == sizeof(pol_config));
  CHECK(u.cfg.max_steps == 10000000u);
  for (size_t i = sizeof(pol_config); i < sizeof u.bytes; i++)
    untouched &= u.bytes[i] == 0xab;
  CHECK(untouched);
  pol_env *env = NULL;
  CHECK_RC(pol_env_new(&u.cfg, &env), POL_OK);
  pol_env_free(env);
}

/* pol_ctx_set_limits applies from the next evaluation on: a ctx whose
 * first evaluation went over a tiny max_memory (before its arena had
 * any memory) said POL_ELIMIT for every evaluation after it, with any
 * limits. */
static void test_limit_raised(void) {
  const char *src = "[1, 2, 3].map(x, string(x) + 'abc')";
  const pol_value *v = NULL;
  pol_program *prog = NULL;
  test_name = "limits: a ctx over its memory limit, the limit raised";
  pol_env *env = env_with(0, 8, 0);
  pol_ctx *ctx = ctx_of(env);
  CHECK_RC(pol_compile_expr(env, src, strlen(src), NULL, NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ELIMIT);
  CHECK_RC(pol_ctx_set_limits(ctx, 0, 0), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  CHECK_STR(pol_value_format(ctx, v), "[\"1abc\", \"2abc\", \"3abc\"]");
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

/* }==== */

void contract_embed_tests(void) {
  test_ctx_limits();
  test_report_status();
  test_no_file_imports();
  test_value_json();
  test_builder_errors();
  test_explain_limits();
  test_explain_failure();
  test_error_message_utf8();
  test_builder_nesting();
  test_oom_check_again();
  test_oom_detach_again();
  test_oom_explain();
  test_oom_format();
  test_oom_waivers_add();
  test_oom_diag_render();
  test_oom_questions();
  test_config_init_sizes();
  test_limit_raised();
}
