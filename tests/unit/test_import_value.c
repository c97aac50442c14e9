/*
 * test_import_value.c: the values `policyc import` reads in the text of
 * a check-sheet answer (lib/cli/import_value.c), built into this test
 * from the CLI's sources: numbers, ranges and dates as a Japanese IME
 * in full-width mode types them, and a number at the very end of a text
 * (the reader looked one byte past its NUL for a range, into whatever
 * the pool held next).
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

/* The value of kind [k] in [text] (in [fact_unit] for a duration), the
 * upper end of a range; fails the test when none is found. */
static double value(const char *text, vkind k, const char *fact_unit) {
  vfound v;
  char msg[256] = "";
  int rc = value_find(text, NULL, k, NULL, fact_unit, true, &v, msg,
                      sizeof msg);
  if (rc != 0)
    fail_msg("%s: %d %s", text, rc, msg);
  return v.num;
}

static void full_width_numbers(void **state) {
  (void)state;
  assert_true(value("９９．９％以上", VK_PERCENT, NULL) == 99.9);
  assert_true(value("99．95%", VK_PERCENT, NULL) == 99.95);
  assert_true(value("７世代", VK_COUNT, NULL) == 7);
  assert_true(value("２０２６／９／４", VK_DATE, NULL) == 20260904);
  assert_true(value("２０２６－０１－０５", VK_DATE, NULL) == 20260105);
  assert_true(value("２０２６年９月", VK_DATE, NULL) == 20260900);
  assert_true(value("１－２営業日以内", VK_DURATION, "business_days") == 2);
  assert_true(value("1〜2営業日", VK_DURATION, "business_days") == 2);
  /* a sentence's full stop after a number is no decimal point */
  assert_true(value("7世代．", VK_COUNT, NULL) == 7);
}

/* A number that ends its text is not the start of a range whose upper
 * end is read from the bytes after the text's NUL. */
static void a_number_ends_its_text(void **state) {
  (void)state;
  static const char buf[] = "7\0" "9";
  assert_true(value(buf, VK_COUNT, NULL) == 7);
  static const char pct[] = "99\0" "100%";
  vfound v;
  char msg[256];
  assert_int_equal(value_find(pct, NULL, VK_PERCENT, NULL, NULL, true, &v,
                              msg, sizeof msg),
                   2);
  assert_string_equal(msg, "unknown unit '' after 99 (expected %)");
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(full_width_numbers),
      cmocka_unit_test(a_number_ends_its_text),
  };
  return RUN_TESTS("import_value", tests, argc, argv);
}
