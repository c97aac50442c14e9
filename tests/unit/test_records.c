/*
 * test_records.c: the record scanner's block fast path
 * (lib/cli/scan_blocks.h) against a byte-at-a-time scan. Over random
 * bytes rich in brackets, quotes, backslashes, line breaks and UTF-8, at
 * random starting depths and inside or outside a string, skip_blocks
 * must stop on a block boundary, leave the depth and string state the
 * byte scan reaches there, never skip a line break, a backslash or the
 * point where the depth falls to 0, and skip every block that has none
 * of them (else it would be correct but useless).
 */
#include "harness.h"

#include <stdbool.h>
#include <stdlib.h>

#include "cli/scan_blocks.h"

typedef struct bytescan {
  int depth;
  bool in_str;
  bool stop; /* a byte the fast path must leave to the byte loop */
} bytescan;

/* One byte as records.c's byte loop takes it, for a record inside
 * brackets; a line break or a backslash only marks [stop]. */
static void step(bytescan *b, unsigned char c) {
  if (c == '\n' || c == '\\') {
    b->stop = true;
  } else if (b->in_str) {
    b->in_str = c != '"';
  } else if (c == '"') {
    b->in_str = true;
  } else if (c == '{' || c == '[') {
    b->depth++;
  } else if (c == '}' || c == ']') {
    if (--b->depth <= 0)
      b->stop = true;
  }
}

/* Whether the byte loop would pass the 16 bytes at [p] from [b]
 * without a stop (and then [*b] is the state after them). */
static bool block_passes(bytescan *b, const unsigned char *p) {
  bytescan t = *b;
  for (int i = 0; i < 16; i++) {
    step(&t, p[i]);
    if (t.stop)
      return false;
  }
  *b = t;
  return true;
}

static const unsigned char ALPHABET[] = "{}[]\"\":,a 1{}\"\"[]\x7b\x5b\xdb\xfb";
static const unsigned char UTF8[] = "\xe3\x81\x82\xe6\x9d\xb1\xe4\xba\xac";

static void fill_random(unsigned char *p, size_t n, unsigned rare) {
  for (size_t i = 0; i < n; i++) {
    unsigned r = (unsigned)rand();
    if (rare && r % rare == 0)
      p[i] = (r >> 8) & 1 ? '\n' : '\\';
    else if ((r >> 4) % 4 == 0)
      p[i] = UTF8[(r >> 8) % (sizeof UTF8 - 1)];
    else
      p[i] = ALPHABET[(r >> 8) % (sizeof ALPHABET - 1)];
  }
}

static void agrees_with_the_byte_loop(void **state) {
  (void)state;
  unsigned char buf[200];
  srand(7);
  long skipped = 0;
  for (int round = 0; round < 200000; round++) {
    size_t n = (size_t)rand() % sizeof buf;
    fill_random(buf, n, round % 3 == 0 ? 0 : 40 + (unsigned)round % 200);
    bytescan ref = {1 + rand() % 4, rand() % 2 == 0, false};
    int depth = ref.depth;
    bool in_str = ref.in_str;
    const unsigned char *q = skip_blocks(buf, buf + n, &depth, &in_str);
    size_t done = (size_t)(q - buf);
    assert_true(done <= n);
    assert_int_equal(done % 16, 0);
    for (size_t at = 0; at < done; at += 16)
      assert_true(block_passes(&ref, buf + at));
    assert_int_equal(depth, ref.depth);
    assert_int_equal(in_str, ref.in_str);
    if (n - done >= 16) /* it stopped for a reason */
      assert_false(block_passes(&ref, buf + done));
    skipped += (long)done;
  }
  assert_true(skipped > 0);
}

/* A typical record line: every whole block before the last '}' but the
 * one holding it is skipped (on SSE2; elsewhere nothing is). */
static void skips_a_record(void **state) {
  (void)state;
  static const char rec[] =
      "{\"company\":{\"name\":\"株式会社アークデジタル\",\"country\":\"JP\"},"
      "\"data\":{\"location\":{\"countries\":[\"JP\",\"CN\"]}},"
      "\"note\":\"}]{[ inside a string\",\"n\":[1,2,[3]]}";
  const unsigned char *p = (const unsigned char *)rec + 1,
                      *e = (const unsigned char *)rec + sizeof rec - 1;
  int depth = 1;
  bool in_str = false;
  const unsigned char *q = skip_blocks(p, e, &depth, &in_str);
#if defined(__SSE2__) && defined(__GNUC__)
  assert_true(e - q <= 16);
  assert_true(e - q > 0);
#else
  assert_ptr_equal(q, p);
#endif
  assert_true(depth >= 1);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(agrees_with_the_byte_loop),
      cmocka_unit_test(skips_a_record),
  };
  return RUN_TESTS("records", tests, argc, argv);
}
