/*
 * out.c: sanitised, width-aware text for the report renderers (out.h).
 */
#include "out.h"

#include <string.h>

/* One code point as shown: its UTF-8 bytes ([n] of them: in the text,
 * at [at], or when that is NULL in [bytes]) and its display width. */
typedef struct glyph {
  const char *at;
  char bytes[4];
  int n, width;
} glyph;

bool out_unsafe_cp(int32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* out_next_shown, inlined into the hot loops of this file. */
static inline int32_t shown(const char *s, size_t n, size_t *i, int *width) {
  size_t start = *i;
  int32_t cp = utf8_decode(s, n, i);
  if (cp < 0)
    *i = start + 1;
  if (cp == '\t')
    cp = ' ';
  else if (cp < 0 || out_unsafe_cp(cp))
    cp = 0xFFFD;
  *width = utf8_cp_width((uint32_t)cp);
  return cp;
}

int32_t out_next_shown(const char *s, size_t n, size_t *i, int *width) {
  return shown(s, n, i, width);
}

/* The glyph at [s][*i] ([n] bytes in all) as shown(), advancing *[i]. A
 * code point that shows as itself keeps its own bytes (utf8_decode takes
 * no overlong form, so its encoding is those bytes); a tab, an invalid
 * byte and an unsafe code point get the bytes of ' ' or U+FFFD. */
static glyph next_glyph(const char *s, size_t n, size_t *i) {
  glyph g;
  size_t start = *i;
  int32_t cp = shown(s, n, i, &g.width);
  if (cp == 0xFFFD || s[start] == '\t') {
    g.at = NULL; /* not g.bytes: g is returned by value */
    g.n = utf8_encode((uint32_t)cp, g.bytes);
  } else {
    g.at = s + start;
    g.n = (int)(*i - start);
  }
  return g;
}

/* The length of the glyph at [s][i] ([n] bytes in all; not printable
 * ASCII, which plain_run takes) when it is shown as it is, with its
 * width in *[width]; 0 for one shown otherwise (a tab, an unsafe code
 * point, an invalid byte: next_glyph). The three-byte forms of kana,
 * kanji and fullwidth letters (lead byte 0xE3-0xEF but 0xED: U+3000 up,
 * no surrogate, never unsafe), most of a Japanese report, are decoded
 * here. */
static size_t as_is(const char *s, size_t n, size_t i, int *width) {
  const unsigned char *u = (const unsigned char *)s + i;
  if (u[0] >= 0xE3 && u[0] <= 0xEF && u[0] != 0xED && n - i >= 3 &&
      (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
    uint32_t cp = (uint32_t)(u[0] & 0x0F) << 12 |
                  (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    /* kana and kanji are wide without utf8_cp_width's table walk
     * (test_out.c checks that the two agree) */
    bool wide = (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x4E00 && cp <= 0x9FFF);
    *width = wide ? 2 : utf8_cp_width(cp);
    return 3;
  }
  size_t j = i;
  int32_t cp = utf8_decode(s, n, &j);
  if (cp < 0 || out_unsafe_cp(cp)) /* a tab too */
    return 0;
  *width = utf8_cp_width((uint32_t)cp);
  return j - i;
}

/* The bytes of printable ASCII at the start of [s] ([n] bytes): each is
 * shown as it is, one column wide. */
static size_t plain_run(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && (unsigned char)(s[k] - 0x20) < 0x5F)
    k++;
  return k;
}

size_t out_span_width(const char *s, size_t n) {
  size_t i = 0, w = 0;
  while (i < n) {
    size_t k = plain_run(s + i, n - i);
    i += k;
    w += k;
    if (i == n)
      break;
    int gw;
    size_t len = as_is(s, n, i, &gw);
    if (len) {
      i += len;
      w += (size_t)gw;
    } else {
      w += (size_t)next_glyph(s, n, &i).width;
    }
  }
  return w;
}

size_t out_width(const char *s) { return s ? out_span_width(s, strlen(s)) : 0; }

void out_spaces(sbuf *out, size_t n) {
  for (; n > 0; n--)
    sb_putc(out, ' ');
}

size_t out_span(sbuf *out, const char *s, size_t n, size_t width,
                bool pad) {
  bool cut = width != SIZE_MAX && out_span_width(s, n) > width;
  size_t room = cut && width > 0 ? width - 1 : width, w = 0, i = 0;
  while (i < n) { /* a run of glyphs shown as they are, then one other */
    size_t run = i, len;
    bool full = false; /* the next glyph does not fit */
    for (;;) {
      size_t k = plain_run(s + i, n - i);
      full = k > room - w; /* then the byte after room - w */
      k = full ? room - w : k;
      i += k;
      w += k;
      if (full || i == n)
        break;
      int gw;
      if (!(len = as_is(s, n, i, &gw)))
        break;
      if ((full = w + (size_t)gw > room))
        break;
      i += len;
      w += (size_t)gw;
    }
    sb_put(out, s + run, i - run);
    if (i == n || full)
      break;
    glyph g = next_glyph(s, n, &i);
    if (w + (size_t)g.width > room)
      break;
    sb_put(out, g.at ? g.at : g.bytes, (size_t)g.n);
    w += (size_t)g.width;
  }
  if (cut && width > 0) {
    sb_puts(out, OUT_ELLIPSIS);
    w++;
  }
  if (pad && w < width)
    out_spaces(out, width - w);
  return w;
}

size_t out_cell(sbuf *out, const char *s, size_t width, bool pad) {
  s = s ? s : "";
  return out_span(out, s, strlen(s), width, pad);
}

void out_text(sbuf *out, const char *s) { out_cell(out, s, SIZE_MAX, false); }

/* A line ends at LF, CRLF or CR alone (text from a Windows document or
 * check sheet): each is one line break, never a U+FFFD before it. */
void out_para(sbuf *out, const char *s, size_t indent) {
  s = s ? s : "";
  for (size_t n; s[n = strcspn(s, "\r\n")];) {
    out_span(out, s, n, SIZE_MAX, false);
    sb_putc(out, '\n');
    out_spaces(out, indent);
    s += n + (s[n] == '\r' && s[n + 1] == '\n' ? 2 : 1);
  }
  out_text(out, s);
}

void out_colored(sbuf *out, const char *s, const char *sgr, size_t width,
                 bool pad, bool color) {
  if (color)
    sb_printf(out, "\033[%sm", sgr);
  size_t w = out_cell(out, s, width, false);
  if (color)
    sb_puts(out, "\033[0m");
  if (pad && width != SIZE_MAX && w < width)
    out_spaces(out, width - w);
}

/* An unsafe code point as a JSON escape: the short form when JSON has
 * one, else \uXXXX. */
static void json_control(sbuf *b, int32_t c) {
  switch (c) {
  case '\b': sb_puts(b, "\\b"); break;
  case '\t': sb_puts(b, "\\t"); break;
  case '\n': sb_puts(b, "\\n"); break;
  case '\f': sb_puts(b, "\\f"); break;
  case '\r': sb_puts(b, "\\r"); break;
  default: sb_printf(b, "\\u%04x", (unsigned)c); break;
  }
}

/* The bytes of JSON output: 0 copied as they are; 1 escaped (the quote,
 * the backslash, C0 controls, DEL); 2 the start or part of a multi-byte
 * sequence, decoded to check it is valid and not an unsafe code point
 * (C1 controls, bidirectional controls). */
static const uint8_t json_byte[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* One code point that is not copied as it is: escaped, or \ufffd for a
 * byte that does not start valid UTF-8. Advances *[i]. */
static void json_special(sbuf *b, const char *s, size_t n, size_t *i) {
  size_t start = *i;
  int32_t cp = utf8_decode(s, n, i);
  if (cp < 0) {
    *i = start + 1;
    sb_puts(b, "\\ufffd");
  } else if (cp == '"' || cp == '\\') {
    sb_putc(b, '\\');
    sb_putc(b, (char)cp);
  } else if (out_unsafe_cp(cp)) {
    json_control(b, cp);
  } else {
    sb_put(b, s + start, *i - start);
  }
}

/* JSON text is scanned eight bytes at a time where the machine allows
 * (a little-endian 64-bit load, the first byte in the low bits), as
 * json.c reads it; byte by byte elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define JSON_WORDS 1
#else
#define JSON_WORDS 0
#endif

#if JSON_WORDS
/* The high bit of each byte of [x] (8 bytes of text) that json_byte does
 * not copy as it is: '"', '\\', below 0x20, DEL, from 0x80 up. Exact for
 * the first such byte (a borrow may mark bytes after it, never before),
 * so the lowest bit set is the first stop. DEL: the low 7 bits plus 1
 * reach 0x80 only for 0x7F (and for 0xFF, marked anyway), no carry. */
static inline uint64_t json_stops(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u;
  return (x | (x - ones * 0x20) | ((x ^ ones * '"') - ones) |
          ((x ^ ones * '\\') - ones) | ((x & ones * 0x7F) + ones)) &
         ones << 7;
}

/* Whether the 8 bytes [x] start with two 3-byte sequences led by E3..EF
 * but ED: kana, kanji, fullwidth forms, valid and never unsafe. */
static inline bool kana_pair(uint64_t x) {
  unsigned a = (unsigned)x & 0xFF, c = (unsigned)(x >> 24) & 0xFF;
  return (x & 0xC0C0F0C0C0F0u) == 0x8080E08080E0u && a >= 0xE3 &&
         a != 0xED && c >= 0xE3 && c != 0xED;
}
#endif

/* Past the bytes from [p] (before [e]; the text starts at [s]) that
 * json_byte copies as they are. */
static inline const unsigned char *json_plain(const unsigned char *s,
                                              const unsigned char *p,
                                              const unsigned char *e) {
#if JSON_WORDS
  uint64_t x, stop;
  for (; e - p >= 8; p += 8) {
    memcpy(&x, p, 8);
    if ((stop = json_stops(x)) != 0)
      return p + (__builtin_ctzll(stop) >> 3);
  }
  if (p < e && e - s >= 8) { /* the last 8 bytes, those before p as 'a' */
    const uint64_t ones = 0x0101010101010101u;
    uint64_t seen = ~(uint64_t)0 >> (8 * (e - p)); /* 1 to 7 bytes left */
    memcpy(&x, e - 8, 8);
    x = (x & ~seen) | (ones * 'a' & seen);
    stop = json_stops(x);
    return stop ? e - 8 + (__builtin_ctzll(stop) >> 3) : e;
  }
#else
  (void)s;
#endif
  while (p < e && !json_byte[*p])
    p++;
  return p;
}

/* Whether the 3 bytes at [p] (3 or more before [e]) are a sequence led
 * by E3..EF but ED, with two continuation bytes. */
static inline bool kana(const unsigned char *p, const unsigned char *e) {
  return e - p >= 3 && p[0] >= 0xE3 && p[0] <= 0xEF && p[0] != 0xED &&
         (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80;
}

/* Past the bytes from [p] copied as they are: plain ones, and runs of
 * kana and kanji (two per step), most of a Japanese report. */
static inline const unsigned char *json_as_is(const unsigned char *s,
                                              const unsigned char *p,
                                              const unsigned char *e) {
  for (;;) {
    p = json_plain(s, p, e);
#if JSON_WORDS
    for (uint64_t x; e - p >= 8 && (memcpy(&x, p, 8), kana_pair(x));)
      p += 6;
#endif
    if (!kana(p, e))
      return p;
    p += 3;
  }
}

/* Copy [n] bytes from [s] to [d]: most strings written are short, so up
 * to 16 bytes go as two overlapping moves, not a call (as json.c's
 * copy_bytes). */
static inline void copy_short(char *d, const char *s, size_t n) {
  uint64_t x, y;
  if (n >= 8 && n <= 16) {
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    memcpy(d, &x, 8);
    memcpy(d + n - 8, &y, 8);
  } else {
    memcpy(d, s, n);
  }
}

/* [s]/[n], all copied as it is, in quotes: one reservation, one copy. */
void out_json_plain(sbuf *b, const char *s, size_t n) {
  if ((b->oom || n + 2 >= b->cap - b->len) && !sb_reserve(b, n + 2))
    return;
  char *d = b->p + b->len;
  d[0] = '"';
  copy_short(d + 1, s, n);
  d[n + 1] = '"';
  d[n + 2] = '\0';
  b->len += n + 2;
}

/* Past the multi-byte sequence at [s][*i] ([n] bytes in all) when it is
 * valid and safe, so copied as it is: true then. */
static bool json_kept(const char *s, size_t n, size_t *i) {
  size_t j = *i;
  int32_t cp = utf8_decode(s, n, &j);
  if (cp < 0 || out_unsafe_cp(cp))
    return false;
  *i = j;
  return true;
}

void out_json_span(sbuf *b, const char *s, size_t n) {
  if (n == 0) { /* s may be NULL: no pointer arithmetic on it */
    sb_put(b, "\"\"", 2);
    return;
  }
  const unsigned char *u = (const unsigned char *)s, *e = u + n;
  size_t i = (size_t)(json_plain(u, u, e) - u), run = 0;
  if (i == n) { /* most text: nothing to escape */
    out_json_plain(b, s, n);
    return;
  }
  sb_putc(b, '"');
  /* copy runs of text as it is whole; [i] is where one stops */
  for (; i < n; i = (size_t)(json_as_is(u, u + i, e) - u)) {
    if (u[i] == '"' || u[i] == '\\') { /* a backslash, and in the run */
      sb_put(b, s + run, i - run);
      sb_putc(b, '\\');
      run = i++;
    } else if (json_byte[u[i]] != 2 || !json_kept(s, n, &i)) {
      sb_put(b, s + run, i - run);
      json_special(b, s, n, &i);
      run = i;
    }
  }
  sb_put(b, s + run, n - run);
  sb_putc(b, '"');
}

void out_json_str(sbuf *b, const char *s) {
  if (!s)
    sb_puts(b, "null");
  else
    out_json_span(b, s, strlen(s));
}

void out_xml_span(sbuf *b, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t start = i;
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0)
      i = start + 1;
    if (cp == '\r') { /* CRLF or CR alone: a line break, as a parser
                         normalises it, not a U+FFFD */
      if (i >= n || s[i] != '\n')
        sb_putc(b, '\n');
    } else if (cp < 0 || (out_unsafe_cp(cp) && cp != '\n' && cp != '\t') ||
               cp == 0xFFFE || cp == 0xFFFF)
      sb_puts(b, "\xef\xbf\xbd"); /* not allowed in XML, or unsafe */
    else if (cp == '&')
      sb_puts(b, "&amp;");
    else if (cp == '<')
      sb_puts(b, "&lt;");
    else if (cp == '>')
      sb_puts(b, "&gt;");
    else if (cp == '"')
      sb_puts(b, "&quot;");
    else if (cp == '\'')
      sb_puts(b, "&#39;");
    else
      sb_put(b, s + start, i - start);
  }
}

void out_xml(sbuf *b, const char *s) {
  if (s)
    out_xml_span(b, s, strlen(s));
}

/* ==== CSV ================================================================ */

static bool csv_quoted(const char *s, size_t n) {
  if (n && strchr("=+-@\t\r", s[0]))
    return true;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      return true;
  return false;
}

void out_csv_field(sbuf *b, const char *s, size_t n, bool first) {
  if (!first)
    sb_putc(b, ',');
  if (!s)
    return;
  bool q = csv_quoted(s, n);
  if (q)
    sb_putc(b, '"');
  if (n && strchr("=+-@\t\r", s[0]))
    sb_putc(b, '\'');
  size_t i = 0;
  while (i < n) {
    size_t at = i;
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0) /* a byte that starts no UTF-8: one U+FFFD, and past it */
      i = at + 1;
    if (cp == '"')
      sb_puts(b, "\"\"");
    else if (cp == '\n')
      sb_putc(b, '\n');
    else if (cp == '\r') { /* CRLF or CR alone: the LF Excel breaks a cell
                              at, not a U+FFFD in the middle of it */
      sb_putc(b, '\n');
      if (i < n && s[i] == '\n')
        i++;
    }
    else if (cp < 0 || out_unsafe_cp(cp))
      sb_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
    else
      sb_put(b, s + at, i - at);
  }
  if (q)
    sb_putc(b, '"');
}
