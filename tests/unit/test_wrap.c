/*
 * test_wrap.c: out_wrap (lib/out_wrap.c), the line breaking of the text
 * report: widths counted by display width (a wide character is two
 * columns and never straddles the edge), no line ending inside a UTF-8
 * sequence, the hanging indent, breaks at spaces, after a path's slash
 * or a fact path's dot and between Japanese characters but not before
 * closing punctuation, a long word cut, the column it returns, no
 * wrapping at width 0; and
 * out_word_width, the widest piece it never breaks.
 */
#include "harness.h"

#include <stdlib.h>

#include "out.h"
#include "render_text.h"

static size_t END_COL; /* what the last wrap() returned */

/* [s] wrapped, in a static buffer. */
static const char *wrap(const char *s, size_t col, size_t hang,
                        size_t width) {
  static char text[4096];
  sbuf b;
  sb_init(&b, NULL);
  END_COL = out_wrap(&b, s, col, hang, width);
  assert_false(b.oom);
  assert_true(b.len < sizeof text);
  memcpy(text, b.p ? b.p : "", b.len);
  text[b.len] = '\0';
  sb_free(&b);
  return text;
}

/* Every line of [t] is valid UTF-8, at most [width] columns wide (the
 * first counted from [col]), and each after the first starts with [hang]
 * spaces and then something else. Returns the number of lines. */
static int check_lines(const char *t, size_t col, size_t hang,
                       size_t width) {
  int n = 0;
  for (const char *p = t;; n++) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    assert_true(utf8_valid(p, len));
    assert_true((n ? 0 : col) + utf8_width(p, len) <= width);
    if (n) {
      assert_true(len > hang);
      for (size_t k = 0; k < hang; k++)
        assert_int_equal(p[k], ' ');
      assert_int_not_equal(p[hang], ' ');
    }
    if (!nl)
      return n + 1;
    p = nl + 1;
  }
}

/* [t] with each line break and the [hang] spaces after it taken out
 * ([sep]: put in their place), in a static buffer. */
static const char *joined(const char *t, size_t hang, const char *sep) {
  static char out[4096];
  size_t n = 0;
  for (const char *p = t; *p; p++) {
    if (*p == '\n') {
      p += hang;
      for (const char *q = sep; *q; q++)
        out[n++] = *q;
    } else {
      out[n++] = *p;
    }
  }
  out[n] = '\0';
  return out;
}

static void breaks_at_spaces_with_a_hanging_indent(void **state) {
  (void)state;
  const char *s = "the quick brown fox jumps over the lazy dog again";
  const char *t = wrap(s, 6, 6, 20);
  assert_string_equal(t, "the quick\n"
                         "      brown fox\n"
                         "      jumps over the\n"
                         "      lazy dog again");
  assert_int_equal(check_lines(t, 6, 6, 20), 4);
  assert_string_equal(joined(t, 6, " "), s);
  assert_int_equal(END_COL, 20);
}

static void counts_wide_characters_as_two_columns(void **state) {
  (void)state;
  /* 5 columns hold two kana; the third would straddle the edge. */
  assert_string_equal(wrap("あいうえお", 0, 0, 5), "あい\nうえ\nお");
  assert_int_equal(END_COL, 2);
  /* Mixed text: ASCII is one column, kanji two. */
  const char *t = wrap("AES-256で暗号化しTLS1.2で通信", 0, 2, 12);
  check_lines(t, 0, 2, 12);
  assert_string_equal(joined(t, 2, ""), "AES-256で暗号化しTLS1.2で通信");
}

static void japanese_breaks_between_characters(void **state) {
  (void)state;
  const char *s = "バックアップは毎日取得し、7世代保管します。"
                  "復旧は「管理画面」から依頼できます。";
  for (size_t width = 8; width <= 30; width++) {
    const char *t = wrap(s, 4, 4, width);
    int lines = check_lines(t, 4, 4, width);
    assert_true(lines > 1);
    assert_string_equal(joined(t, 4, ""), s);
    for (const char *p = strchr(t, '\n'); p; p = strchr(p + 1, '\n')) {
      const char *start = p + 1 + 4;
      assert_true(strncmp(start, "、", 3) && strncmp(start, "。", 3) &&
                  strncmp(start, "」", 3));
      assert_false(p >= t + 3 && !strncmp(p - 3, "「", 3));
    }
  }
  /* The closing 。 goes down with the character before it. */
  assert_string_equal(wrap("保管します。", 0, 0, 10), "保管しま\nす。");
}

static void never_splits_a_utf8_sequence(void **state) {
  (void)state;
  /* At width 1 a wide character does not fit at all: each line still
   * takes one whole character. */
  const char *t = wrap("日本語のテキスト", 0, 0, 1);
  assert_string_equal(t, "日\n本\n語\nの\nテ\nキ\nス\nト");
  /* Invalid bytes show as U+FFFD, one column each, and are never cut
   * through. */
  t = wrap("ab\xe3\x81zz\xff", 0, 1, 3);
  assert_true(utf8_valid(t, strlen(t)));
  assert_string_equal(t, "ab\xef\xbf\xbd\n \xef\xbf\xbdz\n z\xef\xbf\xbd");
}

static void cuts_a_word_wider_than_a_line(void **state) {
  (void)state;
  const char *t = wrap("see sha256:0123456789abcdef0123456789abcdef", 0, 2,
                       16);
  assert_string_equal(t, "see\n  sha256:0123456\n  789abcdef01234\n"
                         "  56789abcdef");
  check_lines(t, 0, 2, 16);
}

static void breaks_before_the_text_past_a_label(void **state) {
  (void)state;
  /* The cursor at 15 of 20 is past the indent: the word that does not
   * fit there starts the next line rather than being cut. */
  assert_string_equal(wrap("abcdefghij", 15, 4, 20), "\n    abcdefghij");
  /* At the indent, it is cut instead: a line takes one character. */
  assert_string_equal(wrap("abcdefghij", 4, 4, 8), "abcd\n    efgh\n    ij");
}

static void spaces_at_a_break_are_dropped(void **state) {
  (void)state;
  assert_string_equal(wrap("aaaa    bbbb", 0, 0, 6), "aaaa\nbbbb");
  assert_string_equal(wrap("aaaa bbbb   ", 0, 0, 6), "aaaa\nbbbb");
  assert_string_equal(wrap("", 3, 0, 6), "");
  assert_int_equal(END_COL, 3);
}

static void line_breaks_in_the_text_are_kept(void **state) {
  (void)state;
  assert_string_equal(wrap("one two\nthree", 0, 2, 40), "one two\n  three");
  assert_string_equal(wrap("aaa bbb\nccc", 0, 2, 5), "aaa\n  bbb\n  ccc");
}

static void paths_break_after_a_slash(void **state) {
  (void)state;
  assert_string_equal(wrap("https://example.com/security/whitepaper.pdf", 0,
                           2, 24),
                      "https://example.com/\n  security/\n"
                      "  whitepaper.pdf");
}

/* A fact path wider than the line breaks after a dot, not inside a
 * name; a number's dot, a slash's line and a space come first. */
static void fact_paths_break_after_a_dot(void **state) {
  (void)state;
  assert_string_equal(wrap("certifications.information_security.scope."
                           "primary_region", 0, 2, 24),
                      "certifications.\n  information_security.\n"
                      "  scope.primary_region");
  assert_string_equal(wrap("version 3.14159265358979", 0, 2, 12),
                      "version\n  3.14159265\n  358979");
  assert_string_equal(wrap("a.b/cdefghijklmn", 0, 0, 8), "a.b/\ncdefghij\nklmn");
}

/* The widest piece out_wrap never breaks: a word, a Japanese character
 * with the punctuation it keeps, a path between slashes or dots. */
static void word_width_is_the_widest_unbroken_piece(void **state) {
  (void)state;
  assert_int_equal(out_word_width("the quick brownest fox"), 8);
  assert_int_equal(out_word_width("保管します。"), 4);
  assert_int_equal(out_word_width("「引用」です"), 4);
  assert_int_equal(out_word_width("https://a.example/b/c"), 8);
  assert_int_equal(out_word_width("ab\ncdef"), 4);
  assert_int_equal(out_word_width(""), 0);
}

static void width_zero_does_not_wrap(void **state) {
  (void)state;
  const char *s = "a long line that no width limits at all, 日本語も";
  assert_string_equal(wrap(s, 30, 4, 0), s);
  assert_int_equal(END_COL, 30 + utf8_width(s, strlen(s)));
  assert_string_equal(wrap("a\nb", 0, 4, 0), "a\n    b");
  /* Control characters are sanitised as out_text does. */
  assert_string_equal(wrap("a\x1b[31mb", 0, 0, 0), "a\xef\xbf\xbd[31mb");
}

/* text_wrap_line at width 0 puts out_text's result directly (its fast
 * path): it must be what sanitising first and then wrapping gives, for
 * every kind of character out_text replaces. */
static void title_at_width_0_is_sanitised_and_unwrapped(void **state) {
  (void)state;
  const char *titles[] = {
      "", "plain ASCII title", "バックアップを7世代以上保管すること",
      "tab\there", "line\nbreak\r\nand CR", "bad \xff byte \xe3\x81",
      "bidi \xe2\x80\xae override", "C1 \xc2\x85 control", "\xef\xbf\xbd",
      "\x01\x1f\x7f", "wide　space and ｆｕｌｌ"};
  text_style t;
  memset(&t, 0, sizeof t);
  for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
    sbuf fast, slow, clean;
    sb_init(&fast, NULL);
    sb_init(&slow, NULL);
    sb_init(&clean, NULL);
    sb_puts(&fast, "> ");
    text_wrap_line(&fast, &t, titles[i], 2, 4);
    sb_puts(&slow, "> ");
    out_text(&clean, titles[i]);
    out_wrap(&slow, clean.p ? clean.p : "", 2, 4, 0);
    assert_int_equal(fast.len, slow.len);
    assert_memory_equal(fast.p, slow.p, fast.len);
    assert_null(memchr(fast.p, '\n', fast.len));
    sb_free(&fast);
    sb_free(&slow);
    sb_free(&clean);
  }
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(breaks_at_spaces_with_a_hanging_indent),
      cmocka_unit_test(title_at_width_0_is_sanitised_and_unwrapped),
      cmocka_unit_test(counts_wide_characters_as_two_columns),
      cmocka_unit_test(japanese_breaks_between_characters),
      cmocka_unit_test(never_splits_a_utf8_sequence),
      cmocka_unit_test(cuts_a_word_wider_than_a_line),
      cmocka_unit_test(breaks_before_the_text_past_a_label),
      cmocka_unit_test(spaces_at_a_break_are_dropped),
      cmocka_unit_test(line_breaks_in_the_text_are_kept),
      cmocka_unit_test(paths_break_after_a_slash),
      cmocka_unit_test(fact_paths_break_after_a_dot),
      cmocka_unit_test(word_width_is_the_widest_unbroken_piece),
      cmocka_unit_test(width_zero_does_not_wrap),
  };
  return RUN_TESTS("wrap", tests, argc, argv);
}
