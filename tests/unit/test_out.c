/*
 * test_out.c: unit tests of lib/out.c's width-aware text for the report
 * renderers: cutting with an ellipsis and padding by display width
 * (Japanese two columns, halfwidth katakana one, combining marks none),
 * and what is shown instead of tabs, controls, bidirectional overrides
 * and invalid bytes; then out_span against a one-glyph-at-a-time
 * reference over many mixes of such pieces at every width, since it
 * copies runs of plain text whole; and out_json_span against one that
 * escapes a code point at a time, since it scans eight bytes a step.
 */
#include "harness.h"

#include <stdlib.h>

#include "out.h"

static char g_buf[512];

static const char *cell(const char *s, size_t width, bool pad) {
  sbuf b;
  sb_init(&b, NULL);
  out_cell(&b, s, width, pad);
  snprintf(g_buf, sizeof g_buf, "%.*s", (int)b.len, b.p ? b.p : "");
  sb_free(&b);
  return g_buf;
}

static void cut_and_pad_by_columns(void **state) {
  (void)state;
  assert_string_equal(cell("abcdef", 4, true), "abc\xe2\x80\xa6");
  assert_string_equal(cell("abcd", 4, true), "abcd");
  assert_string_equal(cell("ab", 4, true), "ab  ");
  assert_string_equal(cell("ab", 4, false), "ab");
  assert_string_equal(cell("abcdef", 0, true), ""); /* no room at all */
  /* 日本語: six columns */
  assert_int_equal(out_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 6);
  assert_string_equal(cell("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, true),
                      "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
  assert_string_equal(cell("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, true),
                      "\xe6\x97\xa5\xe2\x80\xa6 "); /* 日 then … then pad */
  assert_string_equal(cell("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 8, true),
                      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e  ");
  /* ｱｲ: halfwidth katakana, one column each */
  assert_int_equal(out_width("\xef\xbd\xb1\xef\xbd\xb2"), 2);
  /* e + combining acute: one column */
  assert_int_equal(out_width("e\xcc\x81"), 1);
  assert_string_equal(cell("ab\xcc\x81" "c", 2, true), "a\xe2\x80\xa6");
}

static void unsafe_text_is_replaced(void **state) {
  (void)state;
  assert_string_equal(cell("a\tb", SIZE_MAX, false), "a b");
  assert_string_equal(cell("a\x01z", SIZE_MAX, false), "a\xef\xbf\xbdz");
  assert_string_equal(cell("a\x7fz", SIZE_MAX, false), "a\xef\xbf\xbdz");
  assert_string_equal(cell("a\xe2\x80\xaez", SIZE_MAX, false),
                      "a\xef\xbf\xbdz"); /* RIGHT-TO-LEFT OVERRIDE */
  assert_string_equal(cell("a\xffz", SIZE_MAX, false), "a\xef\xbf\xbdz");
  assert_string_equal(cell("a\xe3\x81", SIZE_MAX, false),
                      "a\xef\xbf\xbd\xef\xbf\xbd"); /* cut short */
  assert_string_equal(cell("\xed\xa0\x80", SIZE_MAX, false),
                      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
}

/* out_span done one glyph at a time, as the rule says. */
static size_t reference(sbuf *out, const char *s, size_t n, size_t width,
                        bool pad) {
  size_t total = 0, i = 0;
  while (i < n) {
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0)
      i++;
    cp = cp == '\t' ? ' ' : cp < 0 || out_unsafe_cp(cp) ? 0xFFFD : cp;
    total += (size_t)utf8_cp_width((uint32_t)cp);
  }
  bool cut = width != SIZE_MAX && total > width;
  size_t room = cut && width > 0 ? width - 1 : width, w = 0;
  for (i = 0; i < n;) {
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0)
      i++;
    cp = cp == '\t' ? ' ' : cp < 0 || out_unsafe_cp(cp) ? 0xFFFD : cp;
    size_t gw = (size_t)utf8_cp_width((uint32_t)cp);
    if (w + gw > room)
      break;
    char enc[4];
    sb_put(out, enc, (size_t)utf8_encode((uint32_t)cp, enc));
    w += gw;
  }
  if (cut && width > 0) {
    sb_puts(out, OUT_ELLIPSIS);
    w++;
  }
  if (pad && w < width)
    out_spaces(out, width - w);
  return w;
}

static void runs_match_the_reference(void **state) {
  (void)state;
  static const char *const pieces[] = {
      "a", "abc def", "\t", "\n", "\x01", "\x7f", "~",
      "\xe6\x97\xa5\xe6\x9c\xac",    /* 日本 */
      "\xef\xbd\xb1",                /* ｱ */
      "\xef\xbc\xa1",                /* Ａ */
      "\xe3\x80\x80",                /* ideographic space */
      "\xee\x80\x80",                /* private use */
      "\xef\xbf\xbf",                /* U+FFFF */
      "\xe2\x80\xae", "\xe2\x81\xa6", /* bidirectional controls */
      "\xe2\x80\x8b",                /* zero width space */
      "\xc2\x85", "\xc3\xa9", "\xcc\x81", "\xf0\x9f\x98\x80",
      "\xff", "\xe3", "\xe3\x81", "\xe3\x81\xff", "\xed\xa0\x80"};
  static const size_t widths[] = {0, 1, 2, 3, 4, 5, 8, 13, SIZE_MAX};
  srand(7);
  for (int it = 0; it < 20000; it++) {
    char s[128];
    size_t n = 0;
    for (int p = rand() % 7; p > 0; p--) {
      const char *x = pieces[(size_t)rand() % POL_COUNTOF(pieces)];
      memcpy(s + n, x, strlen(x));
      n += strlen(x);
    }
    size_t width = widths[(size_t)rand() % POL_COUNTOF(widths)];
    bool pad = width != SIZE_MAX && rand() % 2;
    sbuf a, b;
    sb_init(&a, NULL);
    sb_init(&b, NULL);
    size_t wa = out_span(&a, s, n, width, pad);
    size_t wb = reference(&b, s, n, width, pad);
    if (wa != wb || a.len != b.len || (a.len && memcmp(a.p, b.p, a.len)))
      fail_msg("case %d: \"%.*s\" at width %zu: \"%.*s\" (%zu), not "
               "\"%.*s\" (%zu)", it, (int)n, s, width, (int)a.len, a.p,
               wa, (int)b.len, b.p, wb);
    sb_free(&a);
    sb_free(&b);
  }
}

/* out_json_span done one code point at a time, as out.h says. */
static void json_reference(sbuf *out, const char *s, size_t n) {
  sb_putc(out, '"');
  for (size_t i = 0; i < n;) {
    size_t start = i;
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0) {
      i = start + 1;
      sb_puts(out, "\\ufffd");
    } else if (cp == '"' || cp == '\\') {
      sb_putc(out, '\\');
      sb_putc(out, (char)cp);
    } else if (cp == '\n') {
      sb_puts(out, "\\n");
    } else if (cp == '\t') {
      sb_puts(out, "\\t");
    } else if (cp == '\r') {
      sb_puts(out, "\\r");
    } else if (cp == '\b') {
      sb_puts(out, "\\b");
    } else if (cp == '\f') {
      sb_puts(out, "\\f");
    } else if (out_unsafe_cp(cp)) {
      sb_printf(out, "\\u%04x", (unsigned)cp);
    } else {
      sb_put(out, s + start, i - start);
    }
  }
  sb_putc(out, '"');
}

/* out_json_span scans eight bytes at a time, and the last few bytes as
 * the last eight: every piece at every offset and length, against the
 * reference. */
static void json_matches_the_reference(void **state) {
  (void)state;
  static const char *const pieces[] = {
      "a", "abcdefgh", "0123456789ab", "\"", "\\", "\t", "\n", "\x01",
      "\x1f", "\x7f", " ", "~", "[\"3.2\"]",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", /* 日本語 */
      "\xe3\x81\x82",                         /* あ */
      "\xef\xbc\xa1", "\xe1\x80\x80", "\xe2\x80\x94", /* Ａ, U+1000, — */
      "\xe2\x80\xae", "\xe2\x81\xa6",         /* bidirectional */
      "\xc2\x85", "\xc2\xa0", "\xc3\xa9", "\xf0\x9f\x98\x80",
      "\xff", "\x80", "\xe3", "\xe3\x81", "\xe3\x81\xff",
      "\xed\xa0\x80", "\xe0\x80\x80", "\xc0\xaf"};
  srand(11);
  for (int it = 0; it < 40000; it++) {
    char s[256];
    size_t n = 0;
    for (int p = rand() % 9; p > 0; p--) {
      const char *x = pieces[(size_t)rand() % POL_COUNTOF(pieces)];
      memcpy(s + n, x, strlen(x));
      n += strlen(x);
    }
    sbuf a, b;
    sb_init(&a, NULL);
    sb_init(&b, NULL);
    out_json_span(&a, s, n);
    json_reference(&b, s, n);
    if (a.len != b.len || memcmp(a.p, b.p, a.len))
      fail_msg("case %d: \"%.*s\": %.*s, not %.*s", it, (int)n, s,
               (int)a.len, a.p, (int)b.len, b.p);
    sb_free(&a);
    sb_free(&b);
  }
  sbuf e;
  sb_init(&e, NULL);
  out_json_span(&e, NULL, 0); /* nothing at all */
  out_json_plain(&e, "PASS", 4);
  assert_string_equal(e.p, "\"\"\"PASS\"");
  sb_free(&e);
}

/* Every code point of the Basic Multilingual Plane is as wide in a
 * report as utf8_cp_width says (out.c takes kana and kanji by itself). */
static void widths_agree_with_utf8_cp_width(void **state) {
  (void)state;
  for (uint32_t cp = 0x20; cp <= 0xFFFF; cp++) {
    char enc[4];
    if ((cp >= 0xD800 && cp <= 0xDFFF) || out_unsafe_cp((int32_t)cp))
      continue;
    size_t n = (size_t)utf8_encode(cp, enc);
    if (out_span_width(enc, n) != (size_t)utf8_cp_width(cp))
      fail_msg("U+%04X: %zu columns, utf8_cp_width %d", (unsigned)cp,
               out_span_width(enc, n), utf8_cp_width(cp));
  }
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cut_and_pad_by_columns),
      cmocka_unit_test(unsafe_text_is_replaced),
      cmocka_unit_test(runs_match_the_reference),
      cmocka_unit_test(json_matches_the_reference),
      cmocka_unit_test(widths_agree_with_utf8_cp_width),
  };
  return RUN_TESTS("out", tests, argc, argv);
}
