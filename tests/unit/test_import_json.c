/*
 * test_import_json.c: the JSON objects of `policyc import` and of the
 * CLI's JSON files (lib/cli/import_json.c), built into this test from
 * the CLI's sources. An object of many members finds a member by an
 * index, not by comparing every name: a check sheet's rows, the facts
 * derived from them and their $evidence are objects of thousands, and
 * 50,000 rows took 20 s when each member set was a scan (counted here,
 * never timed). A member set twice keeps its place; a name that is a
 * prefix of another, or differs in its last byte, is another member.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import.h"

/* import_pool.c reports running out of memory through the CLI. */
void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  abort();
}

enum { N = 20000 };

static void many_members_by_index(void **state) {
  (void)state;
  imp_pool *p = imp_pool_new();
  jnode *o = jn_new(p, JN_OBJ);
  char key[32];
  for (int i = 0; i < N; i++) {
    snprintf(key, sizeof key, "row %d", i);
    jn_set(p, o, key, jn_int(p, i));
  }
  jn_set(p, o, "row 7", jn_int(p, -7)); /* set again: replaced in place */
  assert_int_equal(o->n, N);
  for (int i = 0; i < N; i++) {
    snprintf(key, sizeof key, "row %d", i);
    const jnode *v = jn_get(o, key);
    assert_non_null(v);
    assert_int_equal(v->i, i == 7 ? -7 : i);
    assert_string_equal(o->keys[i], key); /* the order they came in */
  }
  assert_null(jn_get(o, "row"));
  assert_null(jn_get(o, "row 1x"));
  assert_null(jn_get(o, "row 20000"));
  /* 2N + 4 operations: a scan would compare N * N names */
  assert_true(o->compares <= 8 * (unsigned long long)N);
  imp_pool_free(p);
}

/* A parsed object: the same, and a member given twice is still refused. */
static void parsed_object_by_index(void **state) {
  (void)state;
  size_t cap = (size_t)N * 24 + 16, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text + n, cap - n, "{");
  for (int i = 0; i < N; i++)
    n += (size_t)snprintf(text + n, cap - n, "%s\"k%d\": %d", i ? ", " : "",
                          i, i);
  snprintf(text + n, cap - n, "}");
  imp_pool *p = imp_pool_new();
  jnode *o = jn_parse(p, text, strlen(text), "t.json");
  assert_non_null(o);
  assert_int_equal(o->n, N);
  assert_int_equal(jn_get(o, "k12345")->i, 12345);
  assert_true(o->compares <= 8 * (unsigned long long)N);
  text[n - 1] = '\0'; /* the last member again: "k0" */
  char *twice = malloc(cap + 16);
  assert_non_null(twice);
  snprintf(twice, cap + 16, "%s, \"k0\": 1}", text);
  assert_null(jn_parse(p, twice, strlen(twice), "twice.json"));
  imp_pool_free(p);
  free(twice);
  free(text);
}

/* A number past long long's range is no int, and has no int value: the
 * conversion was undefined (found by the waivers fuzz target,
 * tests/fuzz/regress/waivers/huge-number-to-long-long), and gave -2^63
 * on x86. */
static void huge_number_not_int(void **state) {
  (void)state;
  static const char text[] = "[888888888888888888888888888888, -1e96, 42]";
  imp_pool *p = imp_pool_new();
  jnode *a = jn_parse(p, text, strlen(text), "t.json");
  assert_non_null(a);
  assert_int_equal(a->n, 3);
  for (size_t i = 0; i < 2; i++) {
    assert_false(a->items[i]->is_int);
    assert_int_equal(a->items[i]->i, 0);
  }
  assert_true(a->items[2]->is_int);
  assert_int_equal(a->items[2]->i, 42);
  imp_pool_free(p);
}

/* Numbers are JSON's: strtod also took NaN, Infinity, hex and a sign
 * (found by the testspec fuzz target: `-nan` was a number, and NaN then
 * went to long long, tests/fuzz/regress/testspec/nan-to-long-long). */
static void numbers_are_json(void **state) {
  (void)state;
  static const char *const bad[] = {"NaN", "-nan", "Infinity", "-inf",
                                    "0x10", "+1", ".5", "01", "-", "1e999"};
  imp_pool *p = imp_pool_new();
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_null(jn_parse(p, bad[i], strlen(bad[i]), "t.json"));
  static const char good[] = "[0, -0, 1.5, -2e3, 1E+2, 10.25e-1]";
  jnode *a = jn_parse(p, good, strlen(good), "t.json");
  assert_non_null(a);
  assert_int_equal(a->n, 6);
  assert_true(a->items[3]->num == -2000.0);
  assert_true(a->items[5]->num == 1.025);
  imp_pool_free(p);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(huge_number_not_int),
      cmocka_unit_test(numbers_are_json),
      cmocka_unit_test(many_members_by_index),
      cmocka_unit_test(parsed_object_by_index),
  };
  return RUN_TESTS("import_json", tests, argc, argv);
}
