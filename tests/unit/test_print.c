/*
 * test_print.c: the string builder and val_print of lib/print.c: every
 * value kind as CEL literal text, string and bytes escapes, and doubles
 * printed in their shortest form that reads back bit for bit.
 */
#include "harness.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "value.h"

static arena A;

static int setup(void **state) {
  (void)state;
  arena_init(&A, 0, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  arena_free(&A);
  return 0;
}

/* [v] printed, in a static buffer. */
static const char *show(val v) {
  static char out[4096];
  sbuf b;
  sb_init(&b, NULL);
  val_print(&b, v);
  assert_false(b.oom);
  assert_true(b.len < sizeof out);
  assert_int_equal(strlen(b.p), b.len);
  memcpy(out, b.p, b.len + 1);
  sb_free(&b);
  return out;
}

static const char *show_double(double d) { return show(val_double(d)); }

/* ---- sbuf ---- */

static void sbuf_grows_and_stays_terminated(void **state) {
  (void)state;
  sbuf b;
  sb_init(&b, NULL);
  assert_non_null(b.p);
  assert_string_equal(b.p, "");
  for (int i = 0; i < 10000; i++)
    sb_printf(&b, "%d,", i % 10);
  assert_int_equal(b.len, 20000);
  assert_int_equal(strlen(b.p), 20000);
  assert_memory_equal(b.p + 19996, "8,9,", 4);
  sb_put(&b, "x\0y", 3);
  assert_int_equal(b.len, 20003);
  assert_memory_equal(b.p + 20000, "x\0y", 4);
  assert_false(b.oom);
  sb_free(&b);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
}

static void sbuf_long_printf(void **state) {
  (void)state;
  sbuf b;
  sb_init(&b, NULL);
  sb_puts(&b, "<");
  sb_printf(&b, "%0500d|%s", 7, "end");
  sb_putc(&b, '>');
  assert_int_equal(b.len, 1 + 500 + 4 + 1);
  assert_memory_equal(b.p + 496, "00007|end>", 11);
  sb_free(&b);
}

static void sbuf_zeroed_is_usable(void **state) {
  (void)state;
  sbuf b = {0};
  sb_putc(&b, 'a');
  sb_puts(&b, "bc");
  assert_string_equal(b.p, "abc");
  sb_free(&b);
}

static void sbuf_after_oom_drops_appends(void **state) {
  (void)state;
  sbuf b;
  sb_init(&b, NULL);
  sb_puts(&b, "kept");
  b.oom = true; /* as if an allocation had failed */
  sb_puts(&b, "dropped");
  sb_putc(&b, '!');
  sb_printf(&b, "%d", 12345);
  assert_string_equal(b.p, "kept");
  assert_int_equal(b.len, 4);
  sb_free(&b);
}

/* ---- scalars ---- */

static void print_scalars(void **state) {
  (void)state;
  assert_string_equal(show(val_null()), "null");
  assert_string_equal(show(val_bool(true)), "true");
  assert_string_equal(show(val_bool(false)), "false");
  assert_string_equal(show(val_int(-3)), "-3");
  assert_string_equal(show(val_int(INT64_MIN)), "-9223372036854775808");
  assert_string_equal(show(val_uint(3)), "3u");
  assert_string_equal(show(val_uint(UINT64_MAX)), "18446744073709551615u");
}

static void print_doubles(void **state) {
  (void)state;
  static const struct {
    double d;
    const char *text;
  } cases[] = {
      {1.0, "1.0"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {1.5, "1.5"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {100.0, "100.0"},
      {123456.789, "123456.789"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {1.5e16, "1.5e+16"},
      {1e21, "1e+21"},
      {1e100, "1e+100"},
      {0.0001, "0.0001"},
      {0.00012, "0.00012"},
      {0.00001, "1e-5"},
      {1e-7, "1e-7"},
      {2.5e-7, "2.5e-7"},
      {5e-324, "5e-324"},
      {DBL_MAX, "1.7976931348623157e+308"},
      {DBL_MIN, "2.2250738585072014e-308"},
      {0.30000000000000004, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {9007199254740993.0, "9007199254740992.0"},
      {123456789012345680.0, "1.2345678901234568e+17"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(show_double(cases[i].d), cases[i].text);
  assert_string_equal(show_double(NAN), "double(\"NaN\")");
  assert_string_equal(show_double(INFINITY), "double(\"Infinity\")");
  assert_string_equal(show_double(-INFINITY), "double(\"-Infinity\")");
}

static uint64_t next_random(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* Significant digits in printed double [text]. */
static int significant_digits(const char *text) {
  char dig[40];
  int k = 0, lead = 0;
  for (const char *p = text; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9')
      dig[k++] = *p;
  while (lead < k - 1 && dig[lead] == '0')
    lead++;
  while (k > lead + 1 && dig[k - 1] == '0')
    k--;
  return k - lead;
}

/* The printed text reads back as the same bits, always looks like a
 * double (has a '.' or an exponent), and one digit fewer would not do. */
static void check_round_trip(double d) {
  const char *text = show_double(d);
  double back = strtod(text, NULL);
  if (memcmp(&back, &d, sizeof d) != 0)
    fail_msg("%.17g printed as %s, which reads back as %.17g", d, text, back);
  if (!strpbrk(text, ".e"))
    fail_msg("%s does not look like a double", text);
  int digits = significant_digits(text);
  if (digits > 1) {
    char fewer[40];
    snprintf(fewer, sizeof fewer, "%.*e", digits - 2, d);
    back = strtod(fewer, NULL);
    if (memcmp(&back, &d, sizeof d) == 0)
      fail_msg("%s is not the shortest form: %s", text, fewer);
  }
}

static void doubles_round_trip(void **state) {
  (void)state;
  static const double special[] = {
      0.1,  0.2,   0.3,     1e21,   1e22,    1e23,   5e-324, 1e-323,
      DBL_MAX, DBL_MIN, DBL_EPSILON, 1.7976931348623157e308,
      2.2250738585072009e-308, 4.9406564584124654e-324, 123.456,
      9007199254740991.0, 9007199254740992.0, 18446744073709551616.0,
      9223372036854775808.0, 3.141592653589793, 2.718281828459045,
      1e-5, 1e-4, 1e15, 1e16, 1e17, 0.5, 1.0 / 3, 2.0 / 3, 100.0};
  for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
    check_round_trip(special[i]);
    check_round_trip(-special[i]);
  }
  uint64_t x = 0x2545F4914F6CDD1Du;
  for (int i = 0; i < 300; i++) { /* random bit patterns */
    uint64_t bits = next_random(&x);
    double d;
    memcpy(&d, &bits, sizeof d);
    if (isfinite(d))
      check_round_trip(d);
  }
  for (int i = 0; i < 300; i++) /* short decimals and powers of ten */
    check_round_trip((double)(next_random(&x) % 100000) /
                     pow(10, (double)(next_random(&x) % 12)));
  for (int e = -324; e <= 308; e++)
    check_round_trip(pow(10, e));
}

/* [d] printed by val_print (with its fast path for short decimals) and
 * by the full search: the same text. */
static void check_fast_path(double d) {
  sbuf fast, slow;
  sb_init(&fast, NULL);
  sb_init(&slow, NULL);
  val_print(&fast, val_double(d));
  val_print_double_slow(&slow, d);
  if (strcmp(fast.p, slow.p) != 0)
    fail_msg("%.17g: fast path %s, search %s", d, fast.p, slow.p);
  sb_free(&fast);
  sb_free(&slow);
}

static void doubles_fast_path_agrees(void **state) {
  (void)state;
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int i = 0; i < 20000; i++) { /* short decimals of every scale */
    double m = (double)(next_random(&x) % 10000000000000000u);
    double d = m / pow(10, (double)(next_random(&x) % 24));
    check_fast_path(d);
    check_fast_path(-d);
    check_fast_path(nextafter(d, 0)); /* one ulp away: no short form */
    check_fast_path(nextafter(d, INFINITY));
  }
  for (int i = 0; i < 20000; i++) { /* random bit patterns */
    uint64_t bits = next_random(&x);
    double d;
    memcpy(&d, &bits, sizeof d);
    if (isfinite(d))
      check_fast_path(d);
  }
  for (int e = -330; e <= 310; e++) {
    check_fast_path(pow(10, e));
    check_fast_path(5 * pow(10, e));
    check_fast_path(nextafter(pow(10, e), 0));
  }
  static const double edge[] = {99.99,      99.95,     0.1,     0.3,
                                0.30000000000000004, 1e15 - 1, 1e15 - 0.5,
                                999999999999999.9, 1e14 + 0.5, DBL_MIN,
                                0.0,        -0.0,      1.0 / 3};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
    check_fast_path(edge[i]);
}

static void doubles_ignore_locale(void **state) {
  (void)state;
  const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                         "de_DE"};
  const char *set = NULL;
  for (size_t i = 0; i < 4 && !set; i++)
    set = setlocale(LC_NUMERIC, names[i]);
  if (!set)
    skip();
  assert_string_equal(show_double(1.5), "1.5");
  assert_string_equal(show_double(2.5e-7), "2.5e-7");
  setlocale(LC_NUMERIC, "C");
}

/* ---- strings and bytes ---- */

static void print_strings(void **state) {
  (void)state;
  assert_string_equal(show(val_cstring(&A, "")), "\"\"");
  assert_string_equal(show(val_cstring(&A, "plain text")), "\"plain text\"");
  assert_string_equal(show(val_cstring(&A, "q\"b\\n\nr\rt\t")),
                      "\"q\\\"b\\\\n\\nr\\rt\\t\"");
  assert_string_equal(show(val_cstring(&A, "\x01\x1f\x7f")),
                      "\"\\u0001\\u001f\\u007f\"");
  assert_string_equal(show(val_string(&A, "a\0b", 3)), "\"a\\u0000b\"");
  /* visible non-ASCII stays raw: Japanese, accents, emoji */
  assert_string_equal(show(val_cstring(&A, "\xE6\x97\xA5\xE6\x9C\xAC\xC3\xA9")),
                      "\"\xE6\x97\xA5\xE6\x9C\xAC\xC3\xA9\"");
  assert_string_equal(show(val_cstring(&A, "\xF0\x9F\x98\x80")),
                      "\"\xF0\x9F\x98\x80\"");
  /* invisible ones are escaped: C1 control, soft hyphen, zero-width
   * space, right-to-left override, line separator, BOM, private use */
  assert_string_equal(show(val_cstring(&A, "\xC2\x85")), "\"\\u0085\"");
  assert_string_equal(show(val_cstring(&A, "\xC2\xAD")), "\"\\u00ad\"");
  assert_string_equal(show(val_cstring(&A, "a\xE2\x80\x8B" "b")),
                      "\"a\\u200bb\"");
  assert_string_equal(show(val_cstring(&A, "\xE2\x80\xAE")), "\"\\u202e\"");
  assert_string_equal(show(val_cstring(&A, "\xE2\x80\xA8")), "\"\\u2028\"");
  assert_string_equal(show(val_cstring(&A, "\xEF\xBB\xBF")), "\"\\ufeff\"");
  assert_string_equal(show(val_cstring(&A, "\xEE\x80\x80")), "\"\\ue000\"");
  assert_string_equal(show(val_cstring(&A, "\xEF\xBF\xBF")), "\"\\uffff\"");
  assert_string_equal(show(val_cstring(&A, "\xF4\x8F\xBF\xBF")),
                      "\"\\U0010ffff\"");
  /* bytes that are not UTF-8 (never in a valid string) */
  assert_string_equal(show(val_cstring(&A, "a\xFF" "b")), "\"a\\ufffdb\"");
}

static void print_bytes(void **state) {
  (void)state;
  assert_string_equal(show(val_bytes(&A, "", 0)), "b\"\"");
  assert_string_equal(show(val_bytes(&A, "abc", 3)), "b\"abc\"");
  assert_string_equal(show(val_bytes(&A, "\x00\xff\"\\a\n\x7f", 7)),
                      "b\"\\x00\\xff\\\"\\\\a\\x0a\\x7f\"");
  assert_string_equal(show(val_bytes(&A, "\xC3\xA9", 2)), "b\"\\xc3\\xa9\"");
}

/* ---- composites and the rest ---- */

static void print_lists_and_maps(void **state) {
  (void)state;
  val items[3] = {val_int(1), val_cstring(&A, "x"), val_list(&A, NULL, 0)};
  assert_string_equal(show(val_list(&A, items, 3)), "[1, \"x\", []]");
  assert_string_equal(show(val_list(&A, NULL, 0)), "[]");
  val k[3] = {val_cstring(&A, "a"), val_int(2), val_bool(false)};
  val v[3] = {val_int(1), val_bool(true), val_double(0.5)};
  assert_string_equal(show(val_map(&A, k, v, 3)),
                      "{\"a\": 1, 2: true, false: 0.5}");
  assert_string_equal(show(val_map(&A, NULL, NULL, 0)), "{}");
  val outer_k = val_cstring(&A, "m");
  val outer_v = val_map(&A, k, v, 1);
  assert_string_equal(show(val_map(&A, &outer_k, &outer_v, 1)),
                      "{\"m\": {\"a\": 1}}");
}

static void print_durations_and_timestamps(void **state) {
  (void)state;
  assert_string_equal(show(val_duration(1, 500000000)),
                      "duration(\"1.5s\")");
  assert_string_equal(show(val_duration(0, 0)), "duration(\"0s\")");
  assert_string_equal(show(val_duration(0, -1)),
                      "duration(\"-0.000000001s\")");
  assert_string_equal(show(val_timestamp(1234567890, 0)),
                      "timestamp(\"2009-02-13T23:31:30Z\")");
}

static void print_types(void **state) {
  (void)state;
  assert_string_equal(show(val_type(V_INT)), "int");
  assert_string_equal(show(val_type(V_NULL)), "null_type");
  assert_string_equal(show(val_type(V_DURATION)), "google.protobuf.Duration");
  assert_string_equal(show(val_type(T_TYPE)), "type");
  assert_string_equal(show(val_type(T_DYN)), "dyn");
}

static void print_optionals_and_errors(void **state) {
  (void)state;
  val inner = val_cstring(&A, "x"), opt = {0};
  opt.kind = V_OPTIONAL;
  opt.as.opt = &inner;
  assert_string_equal(show(opt), "optional.of(\"x\")");
  opt.as.opt = NULL;
  assert_string_equal(show(opt), "optional.none()");
  assert_string_equal(show(val_err(&A, ERR_DIVZERO, "division by zero")),
                      "error(\"division by zero\")");
  assert_string_equal(show(val_err(&A, ERR_INVALID, "bad \"%s\"", "x")),
                      "error(\"bad \\\"x\\\"\")");
  assert_string_equal(show(val_nomem()), "error(\"out of memory\")");
}

int main(int argc, char **argv) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(sbuf_grows_and_stays_terminated),
      T(sbuf_long_printf),
      T(sbuf_zeroed_is_usable),
      T(sbuf_after_oom_drops_appends),
      T(print_scalars),
      T(print_doubles),
      T(doubles_round_trip),
      T(doubles_fast_path_agrees),
      T(doubles_ignore_locale),
      T(print_strings),
      T(print_bytes),
      T(print_lists_and_maps),
      T(print_durations_and_timestamps),
      T(print_types),
      T(print_optionals_and_errors),
  };
#undef T
  return RUN_TESTS("print", tests, argc, argv);
}
