/*
 * test_chars.c: unit tests of lib/chars.c's encoding check: that its
 * fast path (eight ASCII bytes at a time, UTF-8 validated without a
 * call per character) accepts exactly the texts utf8_valid accepts,
 * over every lead byte and second byte with telling third and fourth
 * bytes, at every alignment; and that a byte-order mark is skipped.
 */
#include "harness.h"

#include "chars.h"

/* Whether chars_check_encoding accepts the [n] bytes [s]. */
static bool accepted(const char *s, size_t n) {
  diag_list d;
  uint32_t start;
  diag_init(&d, "t.pol", s, n, NULL);
  bool ok = chars_check_encoding(&d, &start);
  assert_int_equal(ok, d.n == 0);
  diag_free(&d);
  return ok;
}

static void agrees_with_utf8_valid(void **state) {
  (void)state;
  static const unsigned char tail[] = {0x41, 0x80, 0x8f, 0x90, 0xa0, 0xbf,
                                       0xc0};
  char buf[32];
  size_t cases = 0;
  for (unsigned lead = 0x7f; lead <= 0xff; lead++)
    for (unsigned b2 = 0; b2 <= 0xff; b2++)
      for (size_t t3 = 0; t3 < sizeof tail; t3++)
        for (size_t t4 = 0; t4 < sizeof tail; t4 += 3) {
          size_t pre = (lead + b2) % 9; /* ASCII before: every alignment */
          memset(buf, 'a', sizeof buf);
          buf[pre] = (char)lead;
          buf[pre + 1] = (char)b2;
          buf[pre + 2] = (char)tail[t3];
          buf[pre + 3] = (char)tail[t4];
          for (size_t n = pre + 1; n <= pre + 4; n += 3) { /* cut short too */
            if (accepted(buf, n + 2) != utf8_valid(buf, n + 2))
              fail_msg("%02x %02x %02x %02x at %zu, %zu bytes", lead, b2,
                       tail[t3], tail[t4], pre, n + 2);
            cases++;
          }
        }
  assert_true(cases > 100000);
}

static void ascii_and_japanese_pass(void **state) {
  (void)state;
  const char *ja = "must r \"\xe3\x83\x90\xe3\x83\x83\xe3\x82\xaf\": x\n";
  assert_true(accepted(ja, strlen(ja)));
  assert_true(accepted("", 0));
  assert_false(accepted("abcdefgh\xff", 9));
  assert_false(accepted("abcdefghijklmnop\xed\xa0\x80", 19)); /* surrogate */
}

static void byte_order_mark_is_skipped(void **state) {
  (void)state;
  diag_list d;
  uint32_t start = 9;
  diag_init(&d, "t.pol", "\xef\xbb\xbfx", 4, NULL);
  assert_true(chars_check_encoding(&d, &start));
  assert_int_equal(start, 3);
  diag_free(&d);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(agrees_with_utf8_valid),
      cmocka_unit_test(ascii_and_japanese_pass),
      cmocka_unit_test(byte_order_mark_is_skipped),
  };
  return RUN_TESTS("chars", tests, argc, argv);
}
