/*
 * test_ordering.c: the ordering operators < <= > >= over every pair of
 * kinds, in the manner of CEL's conformance cases. CEL orders int, uint
 * and double among themselves by numeric value, and bool, string, bytes,
 * duration and timestamp each against its own kind; every other pair,
 * and null, list and map even against themselves, is a
 * no_matching_overload error. A double against a string once evaluated
 * to false (a NaN branch that did not look at the kinds): issue 11.
 *
 * Each kind has a low and a high sample. Every pair of kinds, every
 * ordering operator, both orders and every low/high combination is
 * evaluated twice: with literal operands (folded by the compiler) and
 * with the left one behind dyn() (evaluated by the VM). The expected
 * outcome comes from the table below, not from the code under test:
 * numbers carry their numeric value, other orderable kinds a rank.
 */
#include "harness.h"

#include <stdlib.h>

#include "compile.h"
#include "parse.h"
#include "vm.h"

typedef enum { K_INT, K_UINT, K_DOUBLE, K_STRING, K_BYTES, K_BOOL, K_NULL,
               K_LIST, K_MAP, K_DURATION, K_TIMESTAMP, NKINDS } kind;

static const struct {
  const char *name;        /* as no_matching_overload messages spell it */
  const char *text[2];     /* low and high sample */
  double value[2];         /* numbers: their value; others: a rank */
  bool number, orderable;  /* orderable with its own kind */
} kinds[NKINDS] = {
    [K_INT] = {"int", {"-1", "7"}, {-1, 7}, true, true},
    [K_UINT] = {"uint", {"2u", "9u"}, {2, 9}, true, true},
    [K_DOUBLE] = {"double", {"-0.5", "8.25"}, {-0.5, 8.25}, true, true},
    [K_STRING] = {"string", {"'a'", "'b'"}, {0, 1}, false, true},
    [K_BYTES] = {"bytes", {"b'a'", "b'b'"}, {0, 1}, false, true},
    [K_BOOL] = {"bool", {"false", "true"}, {0, 1}, false, true},
    [K_NULL] = {"null_type", {"null", "null"}, {0, 0}, false, false},
    [K_LIST] = {"list", {"[1]", "[2]"}, {0, 1}, false, false},
    [K_MAP] = {"map", {"{1: 1}", "{2: 2}"}, {0, 1}, false, false},
    [K_DURATION] = {"google.protobuf.Duration",
                    {"duration('1s')", "duration('2s')"}, {0, 1}, false,
                    true},
    [K_TIMESTAMP] = {"google.protobuf.Timestamp",
                     {"timestamp('2024-01-01T00:00:00Z')",
                      "timestamp('2025-01-01T00:00:00Z')"}, {0, 1}, false,
                     true},
};

static const struct {
  const char *text, *fn;
} ops[] = {{"<", "_<_"}, {"<=", "_<=_"}, {">", "_>_"}, {">=", "_>=_"}};

static char out[512];

/* Evaluate [src]; its value, or "error: MESSAGE", into out. */
static const char *run(const char *src) {
  arena tree;
  diag_list d;
  arena_init(&tree, 0, NULL);
  diag_init(&d, "t", src, strlen(src), NULL);
  ast *root = parse_expr(&tree, &d);
  program *p = root ? compile_expr(root, &d, NULL, 0) : NULL;
  if (!p) {
    snprintf(out, sizeof out, "compile error: %s", d.n ? d.items[0].msg : "?");
  } else {
    vm v;
    vm_init(&v, 1000, 0, NULL);
    val r = vm_run(&v, p, 0, NULL);
    sbuf b;
    sb_init(&b, NULL);
    if (r.kind == V_ERROR)
      sb_printf(&b, "error: %s", r.as.e->msg);
    else
      val_print(&b, r);
    sb_putc(&b, '\0');
    snprintf(out, sizeof out, "%s", b.p);
    sb_free(&b);
    vm_free(&v);
  }
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
  return out;
}

/* The expected outcome of sample [a] of kind [x] op sample [b] of [y]. */
static void expected(kind x, int a, int op, kind y, int b, char *buf,
                     size_t cap) {
  bool ok = kinds[x].number && kinds[y].number ? true
            : x == y ? kinds[x].orderable : false;
  if (!ok) {
    snprintf(buf, cap, "error: no matching overload for '%s' applied to "
             "(%s, %s)", ops[op].fn, kinds[x].name, kinds[y].name);
    return;
  }
  double l = kinds[x].value[a], r = kinds[y].value[b];
  bool v = op == 0 ? l < r : op == 1 ? l <= r : op == 2 ? l > r : l >= r;
  snprintf(buf, cap, "%s", v ? "true" : "false");
}

static void every_pair_of_kinds(void **state) {
  (void)state;
  char src[256], want[256];
  int checked = 0;
  for (int x = 0; x < NKINDS; x++)
    for (int y = 0; y < NKINDS; y++)
      for (int op = 0; op < 4; op++)
        for (int ab = 0; ab < 4; ab++) {
          int a = ab >> 1, b = ab & 1;
          expected((kind)x, a, op, (kind)y, b, want, sizeof want);
          for (int dyn = 0; dyn < 2; dyn++) {
            snprintf(src, sizeof src, dyn ? "dyn(%s) %s %s" : "%s %s %s",
                     kinds[x].text[a], ops[op].text, kinds[y].text[b]);
            const char *got = run(src);
            if (strcmp(got, want) != 0)
              fail_msg("%s\n  want: %s\n  got:  %s", src, want, got);
            checked++;
          }
        }
  assert_int_equal(checked, NKINDS * NKINDS * 4 * 4 * 2);
}

/* NaN is unordered against every number: each test is false. Against a
 * kind that is no number it is no overload, like any double. */
static void nan_is_unordered_but_typed(void **state) {
  (void)state;
  static const char *const num[] = {"1", "1u", "1.0", "double('NaN')",
                                    "-0.0"};
  char src[128];
  for (size_t i = 0; i < POL_COUNTOF(num); i++)
    for (int op = 0; op < 4; op++) {
      snprintf(src, sizeof src, "double('NaN') %s %s", ops[op].text, num[i]);
      assert_string_equal(run(src), "false");
      snprintf(src, sizeof src, "%s %s double('NaN')", num[i], ops[op].text);
      assert_string_equal(run(src), "false");
    }
  assert_string_equal(run("double('NaN') < 'a'"),
                      "error: no matching overload for '_<_' applied to "
                      "(double, string)");
  assert_string_equal(run("null >= double('NaN')"),
                      "error: no matching overload for '_>=_' applied to "
                      "(null_type, double)");
}

/* -0.0 equals 0 in every numeric kind. */
static void negative_zero_equals_zero(void **state) {
  (void)state;
  assert_string_equal(run("-0.0 < 0.0"), "false");
  assert_string_equal(run("-0.0 <= 0.0"), "true");
  assert_string_equal(run("-0.0 >= 0"), "true");
  assert_string_equal(run("0u <= -0.0"), "true");
  assert_string_equal(run("0 > -0.0"), "false");
  assert_string_equal(run("-0.0 > 'a'"),
                      "error: no matching overload for '_>_' applied to "
                      "(double, string)");
}

/* The examples of issue 11: a typo in a policy must not be a FAIL. */
static void issue_examples(void **state) {
  (void)state;
  assert_string_equal(run("99.95 >= \"99.9%\""),
                      "error: no matching overload for '_>=_' applied to "
                      "(double, string)");
  assert_string_equal(run("'foo' >= 1.0"),
                      "error: no matching overload for '_>=_' applied to "
                      "(string, double)");
  assert_string_equal(run("1 >= 'a'"),
                      "error: no matching overload for '_>=_' applied to "
                      "(int, string)");
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_pair_of_kinds),
      cmocka_unit_test(nan_is_unordered_but_typed),
      cmocka_unit_test(negative_zero_equals_zero),
      cmocka_unit_test(issue_examples),
  };
  return RUN_TESTS("ordering", tests, argc, argv);
}
