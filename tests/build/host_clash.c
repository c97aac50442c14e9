/*
 * host_clash.c: a host program that defines functions named like libpol's
 * internals (utf8_valid, json_parse, arena_alloc), with other signatures
 * and behaviour, and links statically against libpol.a. It must link, its
 * own functions must be the ones it calls, and libpol, which uses its own
 * internals of those names on every JSON load and string check, must still
 * give the right answers. Run by `make build-test`; prints one line and
 * exits 0 when all holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol.h"

/* The host's own functions: global, as a host's would be. */
int utf8_valid(int c);
const char *json_parse(const char *key);
void *arena_alloc(size_t n, int fill);

/* The host's notion of "valid": a printable ASCII byte. */
int utf8_valid(int c) { return c >= 0x20 && c < 0x7f ? 7 : -7; }

/* The host's "JSON parser" answers a fixed string. */
const char *json_parse(const char *key) {
  return strcmp(key, "name") == 0 ? "host json_parse" : "?";
}

/* The host's arena hands out [n] bytes set to [fill]. */
void *arena_alloc(size_t n, int fill) {
  unsigned char *p = malloc(n);
  if (p)
    memset(p, fill, n);
  return p;
}

static int failures;

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "host_clash: FAILED: %s\n", what);
    failures++;
  }
}

/* Evaluate [expr] over [facts_json] with libpol and expect `true`. */
static void expect_true(const char *expr, const char *facts_json) {
  pol_env *env = NULL;
  pol_facts *facts = NULL;
  pol_program *prog = NULL;
  pol_ctx *ctx = NULL;
  const pol_value *v = NULL;
  int ok = pol_env_new(NULL, &env) == POL_OK &&
           pol_facts_new(env, &facts) == POL_OK &&
           pol_facts_load_json(facts, facts_json, strlen(facts_json),
                               "facts.json") == POL_OK &&
           pol_compile_expr(env, expr, strlen(expr), "expr", facts,
                            &prog) == POL_OK &&
           pol_ctx_new(env, &ctx) == POL_OK &&
           pol_eval(ctx, prog, facts, &v) == POL_OK &&
           pol_value_type(v) == POL_T_BOOL && pol_value_bool(v);
  if (!ok)
    fprintf(stderr, "host_clash: libpol: %s is not true\n", expr);
  expect(ok, "libpol evaluation");
  pol_ctx_free(ctx);
  pol_program_free(prog);
  pol_facts_free(facts);
  pol_env_free(env);
}

int main(void) {
  expect(utf8_valid('a') == 7 && utf8_valid(0x01) == -7,
         "the host's utf8_valid");
  expect(strcmp(json_parse("name"), "host json_parse") == 0,
         "the host's json_parse");
  unsigned char *p = arena_alloc(4, 0xab);
  expect(p && p[0] == 0xab && p[3] == 0xab, "the host's arena_alloc");
  free(p);

  expect_true("1 + 1 == 2", "{}");
  /* JSON parsing, UTF-8 checks and the arena inside libpol */
  expect_true("name == \"日本\" && size(name) == 2 && size(tags) == 3",
              "{\"name\": \"日本\", \"tags\": [\"a\", \"b\", \"c\"]}");
  if (failures)
    return 1;
  puts("build-test: a host with its own utf8_valid, json_parse and "
       "arena_alloc links libpol.a statically: ok");
  return 0;
}
