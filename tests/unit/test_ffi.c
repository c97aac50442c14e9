/*
 * test_ffi.c: host functions through the public API (pol.h "host
 * functions (libffi)"): C functions of every signature type called from
 * expressions and policies, conversions and their errors, compile-time
 * checks against the signature, the escape hatch, threads, and plugins
 * (POL_SAMPLE_PLUGIN, the path of build/tests/sample_plugin.so, comes
 * from the Makefile).
 */
#define _GNU_SOURCE /* dladdr, to find libm's file */
#include "harness.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "pol.h"

#ifndef POL_SAMPLE_PLUGIN
#define POL_SAMPLE_PLUGIN "build/tests/sample_plugin.so"
#endif

#define FN(f) ((void (*)(void))(f))

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts;
  pol_program *prog;
} fixture;

#define assert_contains(s, part)                                           \
  do {                                                                     \
    const char *s_ = (s), *p_ = (part);                                    \
    if (!strstr(s_, p_))                                                   \
      fail_msg("'%s' does not contain '%s'", s_, p_);                      \
  } while (0)

/* ==== the C functions ==================================================== */

static int64_t add(int64_t a, int64_t b) { return a + b; }
static uint64_t uadd(uint64_t a, uint64_t b) { return a + b; }
static double half(double x) { return x / 2; }
static bool negate(bool b) { return !b; }
static int64_t answer(void) { return 42; }
static int64_t c_len(const char *s) { return (int64_t)strlen(s); }
static int64_t byte_len(const char *p, size_t n) {
  (void)p;
  return (int64_t)n;
}
static uint64_t count(const char *p, size_t n, int64_t c) {
  uint64_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += (unsigned char)p[i] == c;
  return k;
}
static const char *echo(const char *s) { return s; }
static const char *null_string(void) { return NULL; }
static const char *bad_utf8(void) { return "\xff\xfe"; }
/* Every argument type at once, so their order in the cif is checked. */
static double mix(int64_t i, uint64_t u, double d, bool b, const char *s,
                  const char *p, size_t n, int64_t last) {
  return (double)i + (double)u + d + (b ? 1000 : 0) + (double)strlen(s) +
         (double)n + (p[0] == 'x' ? 0.5 : 0) + (double)last * 10000;
}

/* Escape hatches. */
static const pol_value *pair(pol_builder *b, const pol_value *const *args,
                             size_t n, void *user) {
  (void)n;
  const char *keys[] = {"first", "second", "tag"};
  const pol_value *vals[] = {args[0], args[1],
                             pol_new_string(b, user, strlen(user))};
  return pol_new_map(b, keys, vals, 3);
}
static const pol_value *list_of(pol_builder *b, const pol_value *const *args,
                                size_t n, void *user) {
  (void)user;
  const pol_value *items[8];
  for (size_t i = 0; i < n && i < 8; i++)
    items[i] = pol_value_type(args[i]) == POL_T_INT
                   ? pol_new_int(b, pol_value_int(args[i]) * 10)
                   : args[i];
  return pol_new_list(b, items, n < 8 ? n : 8);
}
static const pol_value *refuse(pol_builder *b, const pol_value *const *args,
                               size_t n, void *user) {
  (void)args, (void)n, (void)user;
  return pol_new_error(b, "refused by the host");
}
static const pol_value *nothing(pol_builder *b, const pol_value *const *args,
                                size_t n, void *user) {
  (void)b, (void)args, (void)n, (void)user;
  return NULL;
}

static void register_all(pol_env *env) {
  static const struct {
    const char *name, *sig;
    void (*fn)(void);
  } fns[] = {
      {"t.add", "int64(int64, int64)", FN(add)},
      {"t.uadd", "uint64(uint64,uint64)", FN(uadd)},
      {"half", " double ( double ) ", FN(half)},
      {"t.negate", "bool(bool)", FN(negate)},
      {"answer", "int64()", FN(answer)},
      {"t.len", "int64(string)", FN(c_len)},
      {"t.blen", "int64(strlen)", FN(byte_len)},
      {"t.count", "uint64(strlen, int64)", FN(count)},
      {"t.echo", "string(string)", FN(echo)},
      {"t.nil", "string()", FN(null_string)},
      {"t.bad", "string()", FN(bad_utf8)},
      {"t.mix", "double(int64, uint64, double, bool, string, strlen, int64)",
       FN(mix)},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if (pol_env_register(env, fns[i].name, fns[i].sig, fns[i].fn) != POL_OK)
      fail_msg("%s: %s", fns[i].name, pol_env_errmsg(env));
  static char tag[] = "host";
  if (pol_env_register_value_fn(env, "t.pair", 2, 2, pair, tag) ||
      pol_env_register_value_fn(env, "list_of", 0, -1, list_of, NULL) ||
      pol_env_register_value_fn(env, "t.refuse", 0, 1, refuse, NULL) ||
      pol_env_register_value_fn(env, "t.nothing", 0, 0, nothing, NULL))
    fail_msg("%s", pol_env_errmsg(env));
}

/* ==== fixture ============================================================ */

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || pol_env_new(NULL, &f->env) || pol_ctx_new(f->env, &f->ctx) ||
      pol_facts_new(f->env, &f->facts))
    return -1;
  register_all(f->env);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pol_program_free(f->prog);
  pol_facts_free(f->facts);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env); /* after every program that calls into it */
  free(f);
  return 0;
}

/* Compile and evaluate [src]; returns the status, *out the value text or
 * the message (the compile errors for POL_ESYNTAX). */
static int eval(fixture *f, const char *src, const char **out) {
  pol_program_free(f->prog);
  f->prog = NULL;
  int rc = pol_compile_expr(f->env, src, strlen(src), "t", f->facts,
                            &f->prog);
  if (rc != POL_OK) {
    *out = pol_env_errmsg(f->env);
    return rc;
  }
  const pol_value *v;
  rc = pol_eval(f->ctx, f->prog, f->facts, &v);
  *out = rc == POL_OK ? pol_value_format(f->ctx, v) : pol_ctx_errmsg(f->ctx);
  return rc;
}

static void expect(fixture *f, const char *src, const char *want) {
  const char *got = "";
  int rc = eval(f, src, &got);
  if (rc != POL_OK)
    fail_msg("%s: status %d: %s", src, rc, got);
  assert_string_equal(got, want);
}

/* [src] fails with status [status] and a message containing [part]. */
static void expect_fail(fixture *f, const char *src, int status,
                        const char *part) {
  const char *got = "";
  int rc = eval(f, src, &got);
  if (rc != status)
    fail_msg("%s: status %d, want %d: %s", src, rc, status, got);
  assert_contains(got, part);
}

static void bind_var(fixture *f, const char *name, const char *literal) {
  assert_pol_ok(f, pol_facts_bind_literal(f->facts, name, literal,
                                          strlen(literal)));
}

/* ==== calls ============================================================== */

static void every_signature_type(void **state) {
  fixture *f = *state;
  expect(f, "t.add(40, 2)", "42");
  expect(f, "t.add(-5, 2)", "-3");
  expect(f, "t.add(1u, 2)", "3"); /* a uint that fits is an int64 */
  expect(f, "t.uadd(1, 2u)", "3u");
  expect(f, "t.uadd(18446744073709551614u, 1u)", "18446744073709551615u");
  expect(f, "half(3.0)", "1.5");
  expect(f, "half(3)", "1.5");
  expect(f, "half(5u)", "2.5");
  expect(f, "t.negate(false)", "true");
  expect(f, "t.negate(1 < 2)", "false");
  expect(f, "answer()", "42");
  expect(f, "answer() + t.add(answer(), 1)", "85");
  expect(f, "t.len(\"abc\")", "3");
  expect(f, "t.echo(\"s\") + t.echo(\"t\")", "\"st\"");
  expect(f, "t.mix(1, 2u, 0.25, true, \"ab\", \"xyz\", 3)", "31008.75");
  expect(f, "t.mix(1, 2u, 0.25, false, \"\", b\"\", 0)", "3.25");
}

static void strings_and_bytes(void **state) {
  fixture *f = *state;
  /* strlen passes embedded NULs, with the byte length */
  expect(f, "t.blen(\"a\\x00b\\x00\")", "4");
  expect(f, "t.count(b\"\\x00a\\x00\", 0)", "2u");
  expect(f, "t.count(\"a\\x00b\", 97)", "1u");
  expect(f, "t.blen(b\"\")", "0");
  /* UTF-8 both ways */
  expect(f, "t.len(\"日本語\")", "9");
  expect(f, "t.blen(\"委託先\")", "9");
  expect(f, "t.echo(\"データは国内に保管\")",
         "\"データは国内に保管\"");
  expect(f, "t.echo(\"東京\") + \"・\" + t.echo(\"大阪\")",
         "\"東京・大阪\"");
  expect(f, "size(t.echo(\"こんにちは\"))", "5");
  /* a string with a NUL cannot be a C string */
  expect_fail(f, "t.len(\"a\\x00b\")", POL_ERUNTIME,
              "t:1:1: host function 't.len': argument 1 holds a NUL byte");
  expect(f, "t.len(\"a\\x00b\") || true", "true"); /* an ordinary error */
}

static void results_that_fail(void **state) {
  fixture *f = *state;
  expect_fail(f, "t.nil()", POL_ERUNTIME,
              "t:1:1: host function 't.nil' returned NULL");
  expect_fail(f, "t.bad()", POL_ERUNTIME,
              "host function 't.bad' returned invalid UTF-8");
  expect(f, "t.nil() == \"\" || true", "true");
}

/* Non-literal arguments are converted when called; a value of the wrong
 * type is an error value, which CEL's || and && absorb. */
static void runtime_conversions(void **state) {
  fixture *f = *state;
  bind_var(f, "s", "\"text\"");
  bind_var(f, "d", "1.5");
  bind_var(f, "big", "18446744073709551615u");
  bind_var(f, "neg", "-1");
  bind_var(f, "n", "41");
  expect(f, "t.add(n, 1)", "42");
  expect(f, "half(n)", "20.5");
  expect_fail(f, "t.add(1, s)", POL_ERUNTIME,
              "t:1:1: host function 't.add': argument 2 must be int64, got "
              "string");
  expect_fail(f, "t.add(d, 1)", POL_ERUNTIME,
              "host function 't.add': argument 1 must be int64, got double");
  expect_fail(f, "half(s)", POL_ERUNTIME,
              "host function 'half': argument 1 must be double, got string");
  expect_fail(f, "t.add(big, 1)", POL_ERUNTIME,
              "host function 't.add': argument 1 is out of range for int64");
  expect_fail(f, "t.uadd(neg, 1u)", POL_ERUNTIME,
              "host function 't.uadd': argument 1 is out of range for "
              "uint64");
  expect_fail(f, "t.blen(n)", POL_ERUNTIME,
              "argument 1 must be string or bytes, got int");
  expect_fail(f, "t.negate(n)", POL_ERUNTIME,
              "argument 1 must be bool, got int");
  expect(f, "t.add(1, s) > 0 || true", "true");
  expect(f, "true || t.add(1, s) > 0", "true");
  expect(f, "t.add(1, s) > 0 && false", "false");
  expect_fail(f, "t.add(1, s) > 0 ? 1 : 2", POL_ERUNTIME, "must be int64");
  /* an error argument is passed on, the function is not called */
  expect_fail(f, "t.add(1 / 0, 1)", POL_ERUNTIME, "division by zero");
  expect_fail(f, "t.add(missing, 1)", POL_ERUNTIME, "missing");
}

/* ==== compile-time checks ================================================ */

static void wrong_arity_is_a_compile_error(void **state) {
  fixture *f = *state;
  expect_fail(f, "t.add(1, 2, 3)", POL_ESYNTAX,
              "t:1:1: error[E0205]: 't.add' takes 2 arguments (int64(int64, "
              "int64)), got 3");
  expect_fail(f, "half()", POL_ESYNTAX,
              "'half' takes 1 argument (double(double)), got 0");
  expect_fail(f, "answer(1)", POL_ESYNTAX,
              "'answer' takes 0 arguments (int64()), got 1");
  expect_fail(f, "t.pair(1)", POL_ESYNTAX, "'t.pair' takes 2 arguments, got 1");
  expect_fail(f, "t.refuse(1, 2)", POL_ESYNTAX,
              "'t.refuse' takes 0 to 1 arguments, got 2");
  /* inside a macro, and every error is reported */
  const char *got;
  assert_int_equal(eval(f, "[1].all(x, t.add(x) > 0) || half(1, 2) > 0",
                        &got), POL_ESYNTAX);
  assert_contains(got, "t:1:12: error[E0205]: 't.add' takes 2 arguments");
  assert_contains(got, "t:1:29: error[E0205]: 'half' takes 1 argument");
}

static void wrong_literal_type_is_a_compile_error(void **state) {
  fixture *f = *state;
  expect_fail(f, "t.add(1, \"x\")", POL_ESYNTAX,
              "t:1:10: error[E0304]: host function 't.add': argument 2 must "
              "be int64, got "
              "string (int64(int64, int64))");
  expect_fail(f, "half(\"x\")", POL_ESYNTAX,
              "argument 1 must be double, got string (double(double))");
  expect_fail(f, "t.add(1.5, 1)", POL_ESYNTAX,
              "argument 1 must be int64, got double");
  expect_fail(f, "t.negate(1)", POL_ESYNTAX,
              "argument 1 must be bool, got int");
  expect_fail(f, "t.len(b\"x\")", POL_ESYNTAX,
              "argument 1 must be string, got bytes");
  expect_fail(f, "t.blen(null)", POL_ESYNTAX,
              "argument 1 must be string or bytes, got null");
  expect_fail(f, "t.mix(1, 2u, 0.5, true, \"s\", \"p\", [1])", POL_ESYNTAX,
              "argument 7 must be int64, got list");
  expect_fail(f, "t.add(1 + 1, \"a\" + \"b\")", POL_ESYNTAX, /* folded */
              "argument 2 must be int64, got string");
  /* escape hatches take anything */
  expect(f, "size(t.pair(null, [1]))", "3");
}

/* A name resolves to the host function only where no variable takes it. */
static void names_and_variables(void **state) {
  fixture *f = *state;
  /* t is declared: t.add(...) is a method call on it, not the function */
  bind_var(f, "t", "{\"k\": 1}");
  expect_fail(f, "t.add(1, 2)", POL_ERUNTIME, "unknown method 'add'");
  /* a macro variable named like a function's namespace, likewise */
  expect(f, "[1].map(half, half + 1)", "[2]");
  expect(f, "[2.0].map(x, half(x))", "[1.0]");
}

/* ==== registration errors ================================================ */

static void expect_register(fixture *f, const char *name, const char *sig,
                            int status, const char *msg) {
  int rc = pol_env_register(f->env, name, sig, FN(add));
  if (rc != status)
    fail_msg("%s %s: status %d, want %d (%s)", name, sig, rc, status,
             pol_env_errmsg(f->env));
  assert_string_equal(pol_env_errmsg(f->env), msg);
}

static void bad_signatures(void **state) {
  fixture *f = *state;
  expect_register(f, "g", "float(int64)", POL_EINVAL,
                  "unknown type 'float' in signature 'float(int64)'");
  expect_register(f, "g", "int64(string, int32)", POL_EINVAL,
                  "unknown type 'int32' in signature 'int64(string, int32)'");
  expect_register(f, "g", "int64", POL_EINVAL,
                  "expected '(' after 'int64' in signature 'int64'");
  expect_register(f, "g", "(int64)", POL_EINVAL,
                  "missing type before '(' in signature '(int64)'");
  expect_register(f, "g", "", POL_EINVAL,
                  "missing type before '(' in signature ''");
  expect_register(f, "g", "int64(int64,)", POL_EINVAL,
                  "missing type after ',' in signature 'int64(int64,)'");
  expect_register(f, "g", "int64(,)", POL_EINVAL,
                  "missing type after '(' in signature 'int64(,)'");
  expect_register(f, "g", "int64(int64 int64)", POL_EINVAL,
                  "expected ',' or ')' after 'int64' in signature "
                  "'int64(int64 int64)'");
  expect_register(f, "g", "int64(int64", POL_EINVAL,
                  "expected ',' or ')' after 'int64' in signature "
                  "'int64(int64'");
  expect_register(f, "g", "int64(int64) x", POL_EINVAL,
                  "unexpected text after ')' in signature 'int64(int64) x'");
  expect_register(f, "g", "strlen(int64)", POL_EINVAL,
                  "'strlen' cannot be a return type in signature "
                  "'strlen(int64)'");
  expect_register(f, "g", "int64(const char *)", POL_EINVAL,
                  "unknown type 'const' in signature 'int64(const char *)'");
  expect_register(f, "g", NULL, POL_EINVAL, "missing signature");
  expect_register(f, "g", "int64(int64, int64, int64, int64, int64, int64, "
                  "int64, int64, int64, int64, int64, int64, int64, int64, "
                  "int64, int64, int64)", POL_EINVAL,
                  "more than 16 arguments in signature 'int64(int64, int64, "
                  "int64, int64, int64, int64, int64, int64, int64, int64, "
                  "int64, int64, int64, int64, int64, int64, int64)'");
  /* none of them was registered */
  expect_fail(f, "g(1)", POL_ERUNTIME, "unknown function 'g'");
}

static void bad_names(void **state) {
  fixture *f = *state;
  expect_register(f, "t.add", "int64(int64)", POL_EINVAL,
                  "'t.add' is already registered");
  expect_register(f, "size", "int64(string)", POL_EINVAL,
                  "'size' is a built-in function");
  expect_register(f, "contains", "bool(string)", POL_EINVAL,
                  "'contains' is a built-in function"); /* a method */
  expect_register(f, "math.greatest", "int64(int64)", POL_EINVAL,
                  "'math.greatest' is a built-in function");
  expect_register(f, "has", "bool(int64)", POL_EINVAL,
                  "'has' is a built-in function");
  expect_register(f, "cel.thing", "bool(int64)", POL_EINVAL,
                  "'cel.thing' is a built-in function");
  /* now() is no builtin: a host function "now" replaces the evaluation
   * date (docs/host-functions.md; policyc test mocks the date so) */
  assert_pol_ok(f, pol_env_register(f->env, "now", "int64()", FN(answer)));
  expect(f, "now()", "42");
  /* items.all(i, i > 0) over a fact `items` called the host function,
   * with the macro's variable as an unknown fact */
  expect_register(f, "items.all", "bool(int64, int64)", POL_EINVAL,
                  "'items.all' would hide the macro 'all' of a fact of "
                  "that name");
  expect_register(f, "acme.exists_one", "bool(int64, int64)", POL_EINVAL,
                  "'acme.exists_one' would hide the macro 'exists_one' of "
                  "a fact of that name");
  assert_pol_ok(f, pol_env_register_value_fn(f->env, "all", 1, 1, pair,
                                             NULL)); /* a global: no macro */
  const char *bad[] = {"1abc", "a..b", "a.", ".a", "a-b", "a b", "if",
                       "acme.in", "日本"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char want[256];
    snprintf(want, sizeof want, "invalid function name '%s': use "
             "identifiers joined by dots, such as 'acme.score', and no "
             "reserved word", bad[i]);
    expect_register(f, bad[i], "int64(int64)", POL_EINVAL, want);
  }
  expect_register(f, "", "int64()", POL_EINVAL, "missing function name");
  expect_register(f, NULL, "int64()", POL_EINVAL, "missing function name");
  assert_int_equal(pol_env_register(f->env, "g", "int64()", NULL),
                   POL_EINVAL);
  assert_string_equal(pol_env_errmsg(f->env),
                      "the function pointer of 'g' is NULL");
  assert_int_equal(pol_env_register_value_fn(f->env, "g", 2, 1, pair, NULL),
                   POL_EINVAL);
  assert_contains(pol_env_errmsg(f->env),
                  "bad argument counts for 'g': min_args 2, max_args 1");
  assert_int_equal(pol_env_register_value_fn(f->env, "g", -1, 1, pair, NULL),
                   POL_EINVAL);
  assert_int_equal(pol_env_register_value_fn(f->env, "t.pair", 0, 1, pair,
                                             NULL), POL_EINVAL);
  assert_string_equal(pol_env_errmsg(f->env),
                      "'t.pair' is already registered");
  assert_int_equal(pol_env_register(NULL, "g", "int64()", FN(answer)),
                   POL_EINVAL);
  /* a dotted name with a new namespace, and one under math */
  assert_pol_ok(f, pol_env_register(f->env, "acme.vendor.score",
                                    "int64(int64, int64)", FN(add)));
  assert_pol_ok(f, pol_env_register(f->env, "math.plus",
                                    "int64(int64, int64)", FN(add)));
  expect(f, "acme.vendor.score(1, 2) + math.plus(3, 4)", "10");
}

/* ==== the escape hatch =================================================== */

static void escape_hatch(void **state) {
  fixture *f = *state;
  expect(f, "t.pair(1, \"二\")", "{\"first\": 1, \"second\": \"二\", "
                                  "\"tag\": \"host\"}");
  expect(f, "t.pair([1, 2], {\"k\": true}).second.k", "true");
  expect(f, "list_of()", "[]");
  expect(f, "list_of(1, \"a\", 2u, [3])", "[10, \"a\", 2u, [3]]");
  expect(f, "list_of(1, 2, 3).map(x, x + 1)", "[11, 21, 31]");
  expect_fail(f, "t.refuse()", POL_ERUNTIME, "t:1:1: refused by the host");
  expect(f, "t.refuse(1) || true", "true");
  expect(f, "false && t.refuse(1)", "false");
  expect_fail(f, "t.nothing()", POL_ERUNTIME,
              "host function 't.nothing' returned nothing");
  /* errors among the arguments never reach the function */
  expect_fail(f, "list_of(1, 1 / 0)", POL_ERUNTIME, "division by zero");
}

/* What a host function that calls back into the ctx running it needs. */
typedef struct reentry {
  pol_ctx *ctx;
  pol_program *prog;
  pol_report *rep;
  pol_facts *facts;
} reentry;

/* Evaluates, then checks, on the ctx that called it: both refused. */
static const pol_value *again(pol_builder *b, const pol_value *const *args,
                              size_t n, void *user) {
  (void)args, (void)n;
  reentry *r = user;
  const pol_value *v;
  int rc = pol_eval(r->ctx, r->prog, NULL, &v);
  if (rc != POL_EINVAL || v)
    return pol_new_error(b, "pol_eval was not refused");
  if (pol_check(r->ctx, r->rep, r->facts, "v") != POL_EINVAL)
    return pol_new_error(b, "pol_check was not refused");
  return pol_new_error(b, pol_ctx_errmsg(r->ctx));
}

/* A nested evaluation on the ctx that is running grew and reset the VM
 * stack and arena under the one that called it: a use after free. */
static void calling_back_into_the_ctx(void **state) {
  fixture *f = *state;
  const char *inner = "[1, 2, 3].map(x, x * 2)", *rule = "must r: true";
  pol_policy *pol;
  reentry r = {.ctx = f->ctx, .facts = f->facts};
  assert_pol_ok(f, pol_compile_expr(f->env, inner, strlen(inner), "i",
                                    NULL, &r.prog));
  assert_pol_ok(f, pol_policy_compile(f->env, rule, strlen(rule), "p.pol",
                                      &pol));
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &r.rep));
  assert_pol_ok(f, pol_env_register_value_fn(f->env, "t.again", 0, 0, again,
                                             &r));
  expect_fail(f, "[10, 20].map(y, t.again())", POL_ERUNTIME,
              "pol_check: the ctx is running an evaluation (a host "
              "function called back into it): use another ctx");
  /* the ctx works again once the evaluation is over */
  const pol_value *v;
  assert_int_equal(pol_eval(f->ctx, r.prog, NULL, &v), POL_OK);
  assert_string_equal(pol_value_format(f->ctx, v), "[2, 4, 6]");
  assert_int_equal(pol_check(f->ctx, r.rep, f->facts, "v"), POL_OK);
  pol_report_free(r.rep);
  pol_policy_free(pol);
  pol_program_free(r.prog);
}

/* ==== policies =========================================================== */

static void called_from_a_policy(void **state) {
  fixture *f = *state;
  const char *src =
      "policy \"host\" { title \"ホスト関数\" version \"1\" }\n"
      "must small \"小規模\": t.add(employees, 1) <= 100\n"
      "must named: t.echo(name) == \"東京商事\"\n"
      "should typed: t.add(name, 1) > 0\n"
      "should absorbed: t.add(name, 1) > 0 || employees > 0\n"
      "may listed: list_of(employees).size() == 1\n";
  pol_policy *pol;
  pol_report *rep;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "h.pol",
                                      &pol));
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  const char *a = "{\"employees\": 42, \"name\": \"東京商事\"}";
  const char *b = "{\"employees\": 420, \"name\": \"大阪物産\"}";
  pol_facts *fa, *fb;
  assert_pol_ok(f, pol_facts_new(f->env, &fa));
  assert_pol_ok(f, pol_facts_new(f->env, &fb));
  assert_pol_ok(f, pol_facts_load_json(fa, a, strlen(a), "a.json"));
  assert_pol_ok(f, pol_facts_load_json(fb, b, strlen(b), "b.json"));
  assert_pol_ok(f, pol_check(f->ctx, rep, fa, "a.json"));
  assert_pol_ok(f, pol_check(f->ctx, rep, fb, "b.json"));
  const char *want[2][5] = {{"PASS", "PASS", "ERROR", "PASS", "PASS"},
                            {"FAIL", "FAIL", "ERROR", "PASS", "PASS"}};
  for (size_t v = 0; v < 2; v++)
    for (size_t r = 0; r < 5; r++)
      assert_string_equal(pol_report_verdict(rep, v, r), want[v][r]);
  assert_true(pol_report_compliant(rep, 0));
  assert_false(pol_report_compliant(rep, 1));
  assert_contains(pol_report_reason(rep, 0, 2),
                  "h.pol:4:15: host function 't.add': argument 1 must be "
                  "int64, got string");
  pol_facts_free(fa);
  pol_facts_free(fb);
  pol_report_free(rep);
  pol_policy_free(pol);
}

static void policy_compile_errors(void **state) {
  fixture *f = *state;
  const char *src = "must a: t.add(x) > 0\n"
                    "must b: t.echo(1) == \"\"\n";
  pol_policy *pol = NULL;
  assert_int_equal(pol_policy_compile(f->env, src, strlen(src), "e.pol",
                                      &pol), POL_ESYNTAX);
  assert_null(pol);
  const char *msg = pol_env_errmsg(f->env);
  assert_contains(msg, "e.pol:1:9: error[E0205]: 't.add' takes 2 arguments "
                       "(int64(int64, int64)), got 1");
  assert_contains(msg, "e.pol:2:16: error[E0304]: host function 't.echo': "
                       "argument 1 must "
                       "be string, got int (string(string))");
}

/* In a policy that declares its facts, a dotted host function name is
 * not a fact path, while its arguments still are checked. */
static void schema_policy_calls_host(void **state) {
  fixture *f = *state;
  const char *ok = "fact employees: int\n"
                   "must small: t.add(employees, 1) <= 100\n";
  const char *bad = "fact employees: int\n"
                    "must small: t.add(employes, 1) <= 100\n";
  pol_policy *pol = NULL;
  assert_pol_ok(f, pol_policy_compile(f->env, ok, strlen(ok), "s.pol", &pol));
  pol_policy_free(pol);
  assert_int_equal(pol_policy_compile(f->env, bad, strlen(bad), "s.pol", &pol),
                   POL_ESYNTAX);
  assert_contains(pol_env_errmsg(f->env), "unknown fact 'employes'\n"
                                          "  hint: did you mean 'employees'?");
}

/* ==== threads ============================================================ */

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
    size_t len;
    const char *s;
    if (pol_eval(ctx, j->prog, j->facts, &v) == POL_OK &&
        (s = pol_value_str(v, &len)) && len == strlen("東京-84-4.5") &&
        strcmp(s, "東京-84-4.5") == 0)
      j->ok++;
  }
  pol_ctx_free(ctx);
  return NULL;
}

static void one_function_many_threads(void **state) {
  fixture *f = *state;
  bind_var(f, "n", "42");
  bind_var(f, "name", "\"東京\"");
  const char *src =
      "t.echo(name) + '-' + string(t.add(n, n)) + '-' + string(half(9))";
  assert_pol_ok(f, pol_compile_expr(f->env, src, strlen(src), "t", f->facts,
                                    &f->prog));
  enum { T = 4 };
  pthread_t th[T];
  job jobs[T];
  for (int i = 0; i < T; i++) {
    jobs[i] = (job){f->env, f->prog, f->facts, 0};
    assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < T; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(jobs[i].ok, 2000);
  }
}

/* ==== plugins ============================================================ */

static void plugin_loads(void **state) {
  fixture *f = *state;
  assert_pol_ok(f, pol_env_load_plugin(f->env, POL_SAMPLE_PLUGIN));
  expect(f, "sample.add(40, 2)", "42");
  expect(f, "sample.ratio(1, 4)", "0.25");
  expect(f, "sample.between(5, 1, 10)", "true");
  expect(f, "sample.shout(\"vendor ok\")", "\"VENDOR OK\"");
  expect(f, "sample.count_byte(b\"a\\x00a\\x00\", 0)", "2u");
  expect_fail(f, "sample.add(1)", POL_ESYNTAX,
              "'sample.add' takes 2 arguments (int64(int64, int64)), got 1");
  /* loading it again registers nothing: every name is taken */
  assert_int_equal(pol_env_load_plugin(f->env, POL_SAMPLE_PLUGIN),
                   POL_EINVAL);
  assert_contains(pol_env_errmsg(f->env),
                  "pol_plugin_functions[0] ('sample.add'): 'sample.add' is "
                  "already registered");
  expect(f, "sample.add(1, 1)", "2");
}

static void plugin_errors(void **state) {
  fixture *f = *state;
  assert_int_equal(pol_env_load_plugin(f->env, "/nonexistent/x.so"),
                   POL_EIO);
  assert_string_equal(pol_env_errmsg(f->env),
                      "cannot load plugin: /nonexistent/x.so: cannot open "
                      "shared object file: No such file or directory");
  /* a bare name is a file here, never a search of the library path */
  assert_int_equal(pol_env_load_plugin(f->env, "libm.so.6"), POL_EIO);
  assert_contains(pol_env_errmsg(f->env), "./libm.so.6: cannot open");
  /* a shared object without the table: libm, found through cos */
  Dl_info info;
  double (*volatile c)(double) = cos;
  assert_true(dladdr((void *)c, &info) && info.dli_fname);
  assert_int_equal(pol_env_load_plugin(f->env, info.dli_fname), POL_EFORMAT);
  char want[512];
  snprintf(want, sizeof want,
           "plugin '%s' does not export 'pol_plugin_functions'",
           info.dli_fname);
  assert_string_equal(pol_env_errmsg(f->env), want);
  /* a file that is no shared object */
  char path[] = "/tmp/test_ffi_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "not ELF\n", 8), 8);
  close(fd);
  assert_int_equal(pol_env_load_plugin(f->env, path), POL_EIO);
  assert_contains(pol_env_errmsg(f->env), "cannot load plugin: ");
  assert_contains(pol_env_errmsg(f->env), path);
  unlink(path);
  /* a path too long for the loader is refused whole: cut to its first
   * 4095 bytes it named the sample plugin, which was loaded */
  size_t slashes = 4095 - strlen(POL_SAMPLE_PLUGIN);
  char *longer = malloc(4200);
  assert_non_null(longer);
  memset(longer, '/', slashes);
  snprintf(longer + slashes, 4200 - slashes, "%sXXXXXXXXXX",
           POL_SAMPLE_PLUGIN);
  assert_int_equal(pol_env_load_plugin(f->env, longer), POL_EIO);
  assert_contains(pol_env_errmsg(f->env), "file name too long (4105 bytes; "
                  "the limit is 4095)");
  free(longer);
  expect_fail(f, "sample.add(1, 2)", POL_ERUNTIME, "unknown method 'add'");
  assert_int_equal(pol_env_load_plugin(f->env, NULL), POL_EINVAL);
  assert_int_equal(pol_env_load_plugin(NULL, POL_SAMPLE_PLUGIN), POL_EINVAL);
}

/* A plugin's bad entry: nothing of that plugin is registered. */
static void plugin_is_all_or_nothing(void **state) {
  fixture *f = *state;
  /* sample.ratio taken first: the plugin's second entry fails */
  assert_pol_ok(f, pol_env_register(f->env, "sample.ratio",
                                    "double(double)", FN(half)));
  assert_int_equal(pol_env_load_plugin(f->env, POL_SAMPLE_PLUGIN),
                   POL_EINVAL);
  char want[1024];
  snprintf(want, sizeof want,
           "plugin '%s': pol_plugin_functions[1] ('sample.ratio'): "
           "'sample.ratio' is already registered", POL_SAMPLE_PLUGIN);
  assert_string_equal(pol_env_errmsg(f->env), want);
  expect_fail(f, "sample.add(1, 2)", POL_ERUNTIME, /* no such function */
              "unknown function 'sample.add'");
  expect(f, "sample.ratio(3)", "1.5");
}

/* A plugin of another plugin ABI is refused whole, with both versions
 * in the message; one that states none (built before plugins stated
 * theirs) is plugin ABI 1, this one, and loads; the sample plugin
 * states this one. */
static void plugin_abi(void **state) {
  fixture *f = *state;
  char path[512], want[1024];
  snprintf(path, sizeof path, "%s/abi_future_plugin.so", POL_ABI_PLUGIN_DIR);
  assert_int_equal(pol_env_load_plugin(f->env, path), POL_EFORMAT);
  snprintf(want, sizeof want, "plugin '%s' was built for plugin ABI %d; "
           "this library takes plugin ABI %d: rebuild it against this "
           "library's pol.h", path, POL_PLUGIN_ABI + 1, POL_PLUGIN_ABI);
  assert_string_equal(pol_env_errmsg(f->env), want);
  /* nothing registered */
  expect_fail(f, "abi.one()", POL_ERUNTIME, "unknown method 'one'");
  snprintf(path, sizeof path, "%s/abi_none_plugin.so", POL_ABI_PLUGIN_DIR);
  assert_int_equal(POL_PLUGIN_ABI, 1); /* else: refused, as above */
  assert_pol_ok(f, pol_env_load_plugin(f->env, path));
  expect(f, "abi.one()", "1");
  assert_pol_ok(f, pol_env_load_plugin(f->env, POL_SAMPLE_PLUGIN));
  expect(f, "sample.add(1, 2)", "3");
}

/* A test double for sample.add: the sum of its arguments' count and 100,
 * whatever they are. */
static const pol_value *double_add(pol_builder *b,
                                   const pol_value *const *args,
                                   size_t nargs, void *user) {
  (void)args;
  (void)user;
  return pol_new_int(b, 100 + (int64_t)nargs);
}

/* pol_env_replace_value_fn: a plugin's function (or a host's) becomes a
 * test double, checked by counts only; what is not registered, a
 * built-in included, is refused. */
static void replace_with_a_double(void **state) {
  fixture *f = *state;
  assert_pol_ok(f, pol_env_load_plugin(f->env, POL_SAMPLE_PLUGIN));
  assert_pol_ok(f, pol_env_replace_value_fn(f->env, "sample.add", 1, 3,
                                            double_add, NULL));
  expect(f, "sample.add(40, 2)", "102");
  expect(f, "sample.add(\"not an int\")", "101");
  expect_fail(f, "sample.add()", POL_ESYNTAX, "'sample.add' takes");
  expect(f, "sample.ratio(1, 4)", "0.25"); /* the others stay */
  assert_pol_ok(f, pol_env_replace_value_fn(f->env, "t.add", 0, -1,
                                            double_add, NULL));
  expect(f, "t.add(1, 2)", "102");
  assert_int_equal(pol_env_replace_value_fn(f->env, "sample.nope", 0, 0,
                                            double_add, NULL),
                   POL_EINVAL);
  assert_string_equal(pol_env_errmsg(f->env),
                      "'sample.nope' is not a registered host function: "
                      "nothing to replace");
  assert_int_equal(pol_env_replace_value_fn(f->env, "size", 0, 1,
                                            double_add, NULL),
                   POL_EINVAL);
  assert_int_equal(pol_env_replace_value_fn(f->env, "sample.add", 2, 1,
                                            double_add, NULL),
                   POL_EINVAL);
  assert_int_equal(pol_env_replace_value_fn(f->env, "sample.add", 0, 0,
                                            NULL, NULL),
                   POL_EINVAL);
  expect(f, "sample.add(1)", "101"); /* the refused calls changed nothing */
  assert_int_equal(pol_env_replace_value_fn(NULL, "sample.add", 0, 0,
                                            double_add, NULL),
                   POL_EINVAL);
  assert_int_equal(pol_env_replace_value_fn(f->env, NULL, 0, 0, double_add,
                                            NULL),
                   POL_EINVAL);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
      T(every_signature_type),
      T(strings_and_bytes),
      T(results_that_fail),
      T(runtime_conversions),
      T(wrong_arity_is_a_compile_error),
      T(wrong_literal_type_is_a_compile_error),
      T(names_and_variables),
      T(bad_signatures),
      T(bad_names),
      T(escape_hatch),
      T(calling_back_into_the_ctx),
      T(called_from_a_policy),
      T(policy_compile_errors),
      T(schema_policy_calls_host),
      T(one_function_many_threads),
      T(plugin_loads),
      T(plugin_errors),
      T(plugin_is_all_or_nothing),
      T(plugin_abi),
      T(replace_with_a_double),
#undef T
  };
  return RUN_TESTS("ffi", tests, argc, argv);
}
