/*
 * fuzz_eval.c: compiling and evaluating one expression (pol_compile_expr,
 * pol_eval). The input is the expression's text; the facts are generated
 * once with the value builder, so that they hold what JSON cannot carry
 * (uints below 2^63, NaN, infinities, -0.0, bytes, durations, timestamps)
 * next to nested maps and lists. An expression that compiles is evaluated
 * twice with and twice without the fact names declared: the four results
 * must print the same (declaring undotted names changes nothing, and an
 * evaluation depends on nothing but its program and facts).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A list of a few scalars of mixed kinds. */
static const pol_value *mixed_list(pol_builder *b) {
  const pol_value *items[] = {
      pol_new_int(b, 1),          pol_new_uint(b, 2),
      pol_new_double(b, 3.5),     pol_new_string(b, "JP", 2),
      pol_new_null(b),            pol_new_bool(b, true),
      pol_new_double(b, NAN),     pol_new_string(b, "日本", 6),
  };
  return pol_new_list(b, items, N(items));
}

/* {"a": {"b": [1, {"c": "x"}]}, "k": 7, "e": [], "m": {}} */
static const pol_value *nested_map(pol_builder *b) {
  const pol_value *c_val = pol_new_string(b, "x", 1);
  const char *ck[] = {"c"};
  const pol_value *inner[] = {pol_new_int(b, 1), pol_new_map(b, ck, &c_val, 1)};
  const pol_value *bl = pol_new_list(b, inner, 2);
  const char *bk[] = {"b"};
  const pol_value *a = pol_new_map(b, bk, &bl, 1);
  const char *keys[] = {"a", "k", "e", "m"};
  const pol_value *vals[] = {a, pol_new_int(b, 7), pol_new_list(b, NULL, 0),
                             pol_new_map(b, NULL, NULL, 0)};
  return pol_new_map(b, keys, vals, N(keys));
}

static void make_facts(void) {
  pol_facts_reset(facts);
  pol_builder *b = pol_facts_builder(facts);
  const char *keys[] = {"i", "imin", "imax", "u", "umax", "d", "nzero",
                        "nan", "inf", "s", "by", "t", "dur", "n", "yes",
                        "l", "m", "strs"};
  const pol_value *strs[] = {pol_new_string(b, "ISO27001", 8),
                             pol_new_string(b, "", 0),
                             pol_new_string(b, "a\0b", 3)};
  const pol_value *vals[] = {
      pol_new_int(b, 3), pol_new_int(b, INT64_MIN),
      pol_new_int(b, INT64_MAX), pol_new_uint(b, 3),
      pol_new_uint(b, UINT64_MAX), pol_new_double(b, 2.5),
      pol_new_double(b, -0.0), pol_new_double(b, NAN),
      pol_new_double(b, INFINITY), pol_new_string(b, "héllo", 6),
      pol_new_bytes(b, "\x00\xff", 2), pol_new_timestamp(b, 1706659200, 5),
      pol_new_duration(b, -90, -500), pol_new_null(b), pol_new_bool(b, true),
      mixed_list(b), nested_map(b), pol_new_list(b, strs, N(strs))};
  const pol_value *root = pol_new_map(b, keys, vals, N(keys));
  if (!root || pol_facts_load_value(facts, root) != POL_OK)
    fuzz_fail("cannot build the facts: %s", pol_facts_errmsg(facts));
}

static void init(void) {
  fuzz_setup(&env, &facts, &ctx);
  make_facts();
}

/* The result of evaluating [prog], printed, into a malloc'd string. */
static char *eval_text(const pol_program *prog) {
  const pol_value *v;
  int rc = pol_eval(ctx, prog, facts, &v);
  char *out;
  if (rc == POL_OK || rc == POL_ERUNTIME)
    out = strdup(pol_value_format(ctx, v));
  else
    out = strdup(pol_ctx_errmsg(ctx));
  if (!out)
    fuzz_fail("out of memory");
  return out;
}

/* Evaluate twice; NULL when it does not compile. */
static char *compile_eval(const char *src, size_t len, const pol_facts *d) {
  pol_program *prog;
  if (pol_compile_expr(env, src, len, "fuzz", d, &prog) != POL_OK) {
    (void)pol_diag_render(env, POL_RENDER_EXCERPT);
    return NULL;
  }
  (void)pol_program_disasm(env, prog);
  char *a = eval_text(prog), *b = eval_text(prog);
  if (strcmp(a, b) != 0)
    fuzz_fail("two evaluations differ:\n%s\n%s", a, b);
  free(b);
  pol_program_free(prog);
  return a;
}

static void run(const uint8_t *data, size_t len) {
  const char *src = (const char *)data;
  char *plain = compile_eval(src, len, NULL);
  char *decl = compile_eval(src, len, facts);
  if ((plain == NULL) != (decl == NULL))
    fuzz_fail("compiles %s declared names only",
              plain ? "without" : "with");
  if (plain && strcmp(plain, decl) != 0)
    fuzz_fail("declared names change the result:\n%s\n%s", plain, decl);
  free(plain);
  free(decl);
}

const fuzz_target fuzz_eval = {"eval", init, run};
