/*
 * out_wrap.c: long text broken into lines by display width, with a
 * hanging indent (out.h, out_wrap), for the text report's values,
 * evidence quotes and residuals on a terminal.
 *
 * Greedy, one pass per line: a line takes characters while they fit and
 * remembers the last place it may break; the first character that does
 * not fit sends the line back to that place. English breaks at spaces,
 * and a path or URL with none after a slash. Japanese has no spaces: a line may break between any two characters
 * either of which is wide, except before closing punctuation and small
 * kana (、。）」っ ...) and after an opening bracket (（「 ...), the
 * simple form of the line-start rules (行頭禁則) of Japanese typesetting.
 * A fact path (a.b.c) too long for a line breaks after a dot, as a path
 * or URL does after a slash, rather than inside a name.
 * Positions are those of out_next_shown, so a line never ends inside a
 * UTF-8 sequence and every piece is shown as out_span shows it.
 */
#include "out.h"

#include <string.h>

/* Characters a line must not start with. */
static const char no_start[] =
    ",.:;!?)]}%"
    "、。，．・：；？！ー）」』】〕〉》］｝〙〗ゝゞヽヾ々"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ";

/* Characters a line must not end with. */
static const char no_end[] = "([{（「『【〔〈《［｛〘〖";

/* Whether the code point [cp] is one of the UTF-8 characters of [set]. */
static bool in_set(const char *set, int32_t cp) {
  char b[5] = {0};
  if (cp <= 0)
    return false;
  b[utf8_encode((uint32_t)cp, b)] = '\0';
  return strstr(set, b) != NULL;
}

/* How a line may break between [a] (of width [aw]) and [b] (of width
 * [bw]), neither a space: BREAK_CJK where one of them is wide and the
 * rules above allow it; BREAK_SLASH after the slash of a path or URL,
 * taken only when a line has no other break, so a path moves down
 * whole when it can; BREAK_DOT after the dot of a fact path (not of a
 * number: 1.5 stays whole), taken only when there is not even a slash
 * (a file name keeps its extension); else not at all; never before a
 * character that takes no room (a combining mark stays with its base). */
enum { BREAK_NO, BREAK_CJK, BREAK_SLASH, BREAK_DOT };
static int breakable(int32_t a, int aw, int32_t b, int bw) {
  if (a == ' ' || b == ' ' || bw == 0)
    return BREAK_NO;
  if (a == '/')
    return b != '/' ? BREAK_SLASH : BREAK_NO;
  if (a == '.')
    return b == '.' || (b >= '0' && b <= '9') ? BREAK_NO : BREAK_DOT;
  if ((aw < 2 && bw < 2) || in_set(no_start, b) || in_set(no_end, a))
    return BREAK_NO;
  return BREAK_CJK;
}

/* Where the line being filled may end: its text ends at [end] and the
 * next line starts at [next] (past the spaces dropped at the break). */
typedef struct brk {
  size_t end, next;
  bool set;
} brk;

/* The byte after the run of spaces at [s][i], before [e]. */
static size_t past_spaces(const char *s, size_t i, size_t e) {
  while (i < e && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i;
}

/* Fill one line from [s][*p], the cursor at column *[col], up to byte
 * [e] (the end of the text's line): put what fits and, when something
 * is left, set *[p] to where the next line starts and return true.
 * [first]: the cursor is past a label, so the line may break before its
 * first character. */
static bool fill(sbuf *out, const char *s, size_t *p, size_t e, size_t *col,
                 size_t width, bool first) {
  size_t i = *p, w = *col;
  int32_t prev = -1;
  int prevw = 0;
  brk b = {*p, *p, first}, slash = {0, 0, false}, dot = {0, 0, false};
  while (i < e) {
    size_t j = i;
    int gw;
    int32_t cp = out_next_shown(s, e, &j, &gw);
    int k = prev >= 0 ? breakable(prev, prevw, cp, gw) : BREAK_NO;
    if (cp == ' ' && prev != ' ')
      b = (brk){i, past_spaces(s, i, e), true};
    else if (k == BREAK_CJK)
      b = (brk){i, i, true};
    else if (k == BREAK_SLASH)
      slash = (brk){i, i, true};
    else if (k == BREAK_DOT)
      dot = (brk){i, i, true};
    if (w + (size_t)gw > width && (i > *p || first))
      break; /* does not fit; a line takes at least one character */
    w += (size_t)gw;
    prev = cp;
    prevw = gw;
    i = j;
  }
  if (i >= e) { /* the rest fits */
    out_span(out, s + *p, e - *p, SIZE_MAX, false);
    *col = w;
    *p = e;
    return false;
  }
  if (!b.set) /* one long word: after its last slash, or dot, or */
    b = slash.set ? slash : dot.set ? dot : (brk){i, i, true}; /* cut */
  *col += out_span(out, s + *p, b.end - *p, SIZE_MAX, false);
  *p = b.next;
  return *p < e; /* else only spaces were left: no empty line */
}

/* End a line where it broke (without the spaces before the break: a
 * label's, when the text went down whole) and indent the next. */
static void next_line(sbuf *out, size_t hang) {
  while (out->len > 0 && out->p[out->len - 1] == ' ')
    out->len--;
  sb_putc(out, '\n');
  out_spaces(out, hang);
}

/* One line of [s] (no line break in [s][p..e)), wrapped. */
static size_t wrap_line(sbuf *out, const char *s, size_t p, size_t e,
                        size_t col, size_t hang, size_t width) {
  bool first = col > hang;
  while (fill(out, s, &p, e, &col, width, first)) {
    next_line(out, hang);
    col = hang;
    first = false;
  }
  return col;
}

size_t out_wrap(sbuf *out, const char *s, size_t col, size_t hang,
                size_t width) {
  s = s ? s : "";
  size_t n = strlen(s), p = 0;
  for (;;) {
    const char *nl = memchr(s + p, '\n', n - p);
    size_t e = nl ? (size_t)(nl - s) : n;
    if (width)
      col = wrap_line(out, s, p, e, col, hang, width);
    else
      col += out_span(out, s + p, e - p, SIZE_MAX, false);
    if (!nl)
      return col;
    sb_putc(out, '\n');
    out_spaces(out, hang);
    col = hang;
    p = e + 1;
  }
}

size_t out_word_width(const char *s) {
  size_t n = s ? strlen(s) : 0, i = 0, run = 0, max = 0;
  int32_t prev = -1;
  int prevw = 0;
  while (i < n) {
    if (s[i] == '\n') { /* a line break ends a piece, as a space does */
      run = 0;
      prev = -1;
      i++;
      continue;
    }
    int gw;
    int32_t cp = out_next_shown(s, n, &i, &gw);
    if (cp == ' ' || (prev >= 0 && breakable(prev, prevw, cp, gw)))
      run = 0; /* a piece ends at any break, a slash's included */
    if (cp != ' ')
      run += (size_t)gw;
    max = run > max ? run : max;
    prev = cp;
    prevw = gw;
  }
  return max;
}
