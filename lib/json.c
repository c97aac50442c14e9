/*
 * json.c: the JSON reader, which turns RFC 8259 text straight into values
 * allocated in an arena (see json.h for the rules; the writer is
 * json_write.c).
 *
 * The reader is one forward pass over the bytes with a cursor. Containers
 * are parsed with an explicit stack of frames instead of recursion, so
 * hostile nesting costs a counter, not C stack. The items of every open
 * container sit on two heap scratch stacks (values, and keys of
 * objects); when a container closes, its items are the top of those
 * stacks and become one list or map in a single allocation. Line and
 * column are computed only when an error happens.
 *
 * Reading a vendor's fact set is much of the work of a stream of them
 * (issue 7), so the common cases are fast paths and everything else
 * takes the careful path, which alone finds and words errors:
 *   - string bodies are scanned eight bytes at a time for the bytes that
 *     end a plain run ('"', '\\', controls, non-ASCII), and Japanese text
 *     two 3-byte characters at a time; a body with nothing else is
 *     copied once; escapes and other UTF-8 go through the checking scan
 *     and a second, error-free decoding pass;
 *   - keys are hashed (map lookups compare cached hashes), string values
 *     are not, unless short (value.h: a hash of 0 is "not computed");
 *     keys and short strings are read once per text and shared, and a
 *     repeat is recognised from the 8 bytes at it (short_seen_at);
 *   - plain integers are read at once; other numbers take Clinger's exact
 *     fast path when they can and strtod in the "C" locale otherwise;
 *   - the value loop keeps its cursor in a register (see parse_value);
 *   - a fact set's containers are linked to their parents as they are
 *     made (json_parse_with's [facts]), not by a second walk.
 */
#include "json.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== the "C" locale ===================================================== */

/* The "C" numeric locale, made once (contract in json.h). */
locale_t json_c_locale(void) {
  static _Atomic(locale_t) c_locale;
  locale_t have = atomic_load(&c_locale);
  if (have)
    return have;
  locale_t made = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  if (!made)
    return (locale_t)0;
  if (!atomic_compare_exchange_strong(&c_locale, &have, made)) {
    freelocale(made); /* another thread was first: use its locale */
    return have;
  }
  return made;
}

/* ==== parser state ======================================================= */

/* A growable stack of values (heap scratch, freed after the parse). */
typedef struct vstack {
  val *v;
  size_t n, cap;
} vstack;

/* An open array or object: where its items start on the stacks. */
typedef struct frame {
  uint32_t kbase, vbase;
  bool object;
} frame;

/* Strings seen: short ones (up to 7 bytes, keys and values) by their
 * first two bytes, longer keys by their hash. Powers of two. */
enum { SHORT_SEEN = 128, KEYS_SEEN = 128 };

typedef struct short_seen {
  uint64_t word; /* the string's bytes and closing quote, zero-padded */
  uint64_t mask; /* 0xFF in each byte of word that counts */
  str *s;        /* NULL: empty slot */
} short_seen;

typedef struct parser {
  arena *a;
  const char *s;   /* the whole text: error offsets count from here */
  const char *p;   /* the cursor */
  const char *end; /* one past the last byte */
  vstack vals;     /* items of open arrays, values of open objects */
  vstack keys;     /* keys of open objects */
  json_error *err;
  json_scratch *keep; /* where the stacks go back to, or NULL: freed */
  bool facts;         /* link containers to their parents (json.h) */
  uint32_t depth; /* open containers: frames[0..depth) */
  /* the keys and short strings read so far: a fact set repeats a few
   * names and answers many times ("answer": "○" in each of 80 check-sheet
   * rows), and the repeats share one string */
  short_seen shorts[SHORT_SEEN];
  str *seen[KEYS_SEEN];
  frame frames[POL_MAX_JSON_DEPTH];
} parser;

static bool scan_utf8(parser *ps);

/* ==== errors and positions =============================================== */

/* Record the error at [at] with a printf-style message; returns false so
 * that callers can write `return fail_at(...)`. */
POL_PRINTF(3, 4)
static bool fail_at(parser *ps, const char *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps->err->off = (uint32_t)(at - ps->s);
  vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
  va_end(ap);
  return false;
}

/* Out of memory at [at]. */
static bool fail_oom(parser *ps, const char *at) {
  ps->err->oom = true;
  return fail_at(ps, at, "out of memory");
}

static bool fail_eof(parser *ps) {
  return fail_at(ps, ps->end, "unexpected end of input");
}

/* Fail at the cursor with "[what], found X", X being what is there. */
static bool fail_found(parser *ps, const char *what) {
  const char *p = ps->p;
  if (p == ps->end)
    return fail_eof(ps);
  unsigned char c = (unsigned char)*p;
  if (c > 0x20 && c < 0x7f)
    return fail_at(ps, p, "%s, found '%c'", what, c);
  if (c < 0x80)
    return fail_at(ps, p, "%s, found U+%04X", what, c);
  if (!scan_utf8(ps)) /* reports the invalid byte instead */
    return false;
  size_t i = 0;
  int32_t cp = utf8_decode(p, (size_t)(ps->end - p), &i);
  return fail_at(ps, p, "%s, found U+%04" PRIX32, what, (uint32_t)cp);
}

/* An error that is about the whole text, not a byte of it. */
static bool refuse(json_error *error, const char *msg) {
  error->line = error->col = 1;
  error->off = 0;
  error->oom = false;
  snprintf(error->msg, sizeof error->msg, "%s", msg);
  return false;
}

static bool has_bom(const char *s, size_t n) {
  return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}

/* Fill in [e]'s line and column from its offset into [s]/[n]. A skipped
 * byte order mark takes no column. */
static void locate(const char *s, size_t n, json_error *e) {
  size_t off = e->off, line_start = 0;
  uint32_t line = 1;
  if (off >= 3 && has_bom(s, n))
    line_start = 3;
  for (size_t i = line_start; i < off; i++)
    if (s[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  e->line = line;
  e->col = 1 + (uint32_t)utf8_count(s + line_start, off - line_start);
}

/* ==== scratch stacks ===================================================== */

static POL_NOINLINE bool push_grow(parser *ps, vstack *st, val v,
                                   const char *at) {
  size_t cap = st->cap ? 2 * st->cap : 64;
  val *grown = mem_realloc(&ps->a->m, st->v, cap * sizeof *grown);
  if (!grown)
    return fail_oom(ps, at);
  st->v = grown;
  st->cap = cap;
  st->v[st->n++] = v;
  return true;
}

/* Push [v] onto [st]; out of memory is reported at [at]. */
static inline bool push(parser *ps, vstack *st, val v, const char *at) {
  if (unlikely(st->n == st->cap))
    return push_grow(ps, st, v, at);
  st->v[st->n++] = v;
  return true;
}

/* The items of [st] from [base] up (NULL when there are none). */
static val *items_from(vstack *st, size_t base) {
  return st->n > base ? st->v + base : NULL;
}

/* A value constructor's result: an error value means out of memory or
 * similar; report it at [at]. */
static bool made(parser *ps, val v, const char *at) {
  if (likely(v.kind != V_ERROR))
    return true;
  ps->err->oom |= v.as.e->kind == ERR_NOMEM;
  return fail_at(ps, at, "%s", v.as.e->msg);
}

/* ==== whitespace ========================================================= */

/* Scans go eight bytes at a time where the machine allows (a
 * little-endian 64-bit load, the first byte in the low bits); byte by
 * byte elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define SCAN_WORDS 1
#else
#define SCAN_WORDS 0
#endif

static inline bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Past the whitespace from [p]: pretty-printed JSON indents with runs
 * of spaces, skipped a word at a time. */
static POL_NOINLINE const char *skip_ws_run(const char *p, const char *end) {
  if (*p == '\n' && end - p > 1) /* a new line and its indent, commonly */
    p++;
  for (;;) {
#if SCAN_WORDS
    while (end - p >= 8) {
      uint64_t x;
      memcpy(&x, p, 8);
      x ^= 0x2020202020202020u; /* spaces become zero bytes */
      if (x) {
        p += __builtin_ctzll(x) >> 3;
        break;
      }
      p += 8;
    }
#endif
    if (p == end || !is_ws(*p))
      return p;
    p++;
  }
}

/* Compact JSON has no whitespace between tokens: one test for that. */
static inline void skip_ws(parser *ps) {
  if (ps->p < ps->end && is_ws(*ps->p))
    ps->p = skip_ws_run(ps->p, ps->end);
}

/* ==== strings: scanning ================================================== */

/* Length of the UTF-8 sequence that lead byte [c] starts (0: not a lead
 * byte), narrowing the range of the byte after it: that rules out
 * overlong forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code
 * points past U+10FFFF (F4 90..BF), as RFC 3629's grammar does. */
static int seq_length(unsigned c, unsigned *lo, unsigned *hi) {
  if (c >= 0xC2 && c <= 0xDF)
    return 2;
  if (c >= 0xE0 && c <= 0xEF) {
    *lo = c == 0xE0 ? 0xA0 : 0x80;
    *hi = c == 0xED ? 0x9F : 0xBF;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    *lo = c == 0xF0 ? 0x90 : 0x80;
    *hi = c == 0xF4 ? 0x8F : 0xBF;
    return 4;
  }
  return 0;
}

/* Check the multi-byte UTF-8 sequence at the cursor and step over it. */
static bool scan_utf8(parser *ps) {
  const unsigned char *p = (const unsigned char *)ps->p;
  size_t left = (size_t)(ps->end - ps->p);
  unsigned lo = 0x80, hi = 0xBF;
  int len = seq_length(p[0], &lo, &hi);
  if (!len)
    return fail_at(ps, ps->p, "invalid UTF-8 byte 0x%02x", p[0]);
  for (int i = 1; i < len; i++, lo = 0x80, hi = 0xBF) {
    if ((size_t)i == left)
      return fail_at(ps, ps->end, "truncated UTF-8 sequence at end of input");
    if (p[i] < lo || p[i] > hi)
      return fail_at(ps, ps->p + i,
                     "invalid UTF-8: byte 0x%02x cannot follow 0x%02x", p[i],
                     p[i - 1]);
  }
  ps->p += len;
  return true;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The 4 hex digits of the \u escape at [p] (its backslash) into *[cp]. */
static bool read_hex4(parser *ps, const char *p, uint32_t *cp) {
  size_t left = (size_t)(ps->end - p);
  uint32_t v = 0;
  for (size_t i = 2; i < 6; i++) {
    if (i >= left)
      return fail_eof(ps);
    int d = hex_value(p[i]);
    if (d < 0)
      return fail_at(ps, p + i, "invalid \\u escape: expected 4 hex digits");
    v = v << 4 | (uint32_t)d;
  }
  *cp = v;
  return true;
}

static bool fail_unpaired(parser *ps, const char *p) {
  return fail_at(ps, p, "unpaired surrogate '\\u%.4s'", p + 2);
}

/* Check the \u escape at the cursor and step over it: a high surrogate
 * must be followed by an escaped low one; a low one alone is an error. */
static bool scan_u_escape(parser *ps) {
  const char *p = ps->p, *q;
  uint32_t high, low;
  if (!read_hex4(ps, p, &high))
    return false;
  q = p + 6;
  if (high < 0xD800 || high > 0xDFFF) {
    ps->p = q;
    return true;
  }
  if (high >= 0xDC00)
    return fail_unpaired(ps, p);
  size_t left = (size_t)(ps->end - q);
  if (left == 0 || (left == 1 && q[0] == '\\'))
    return fail_eof(ps);
  if (q[0] != '\\' || q[1] != 'u')
    return fail_unpaired(ps, p);
  if (!read_hex4(ps, q, &low))
    return false;
  if (low < 0xDC00 || low > 0xDFFF)
    return fail_unpaired(ps, p);
  ps->p = q + 6;
  return true;
}

/* Check the escape at the cursor (a backslash) and step over it. */
static bool scan_escape(parser *ps) {
  const char *p = ps->p;
  if (p + 1 == ps->end)
    return fail_eof(ps);
  unsigned char c = (unsigned char)p[1];
  switch (c) {
  case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
  case 't':
    ps->p = p + 2;
    return true;
  case 'u':
    return scan_u_escape(ps);
  default:
    if (c > 0x20 && c < 0x7f)
      return fail_at(ps, p, "invalid escape '\\%c'", c);
    return fail_at(ps, p, "invalid escape: '\\' followed by byte 0x%02x", c);
  }
}

/* Bytes that stand for themselves in a string: ASCII from the space up,
 * but the quote and the backslash (a table: the scan's inner loop). */
static const uint8_t plain_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline bool plain(unsigned char c) { return plain_byte[c]; }

#if SCAN_WORDS
/* The high bit of each byte of [x] (8 bytes of text, the first in the
 * low byte) that is not plain: '"', '\\', a byte below 0x20 or from 0x80
 * up. Exact for the first such byte; a borrow may also mark bytes after
 * it, never before, so the lowest bit set is the first stop. A byte
 * below 0x80 gets its high bit in x - 0x20 when it is below 0x20, and in
 * (x ^ q) - 1 when it is q; a byte from 0x80 up has it already. */
static inline uint64_t stop_bytes(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u;
  return (x | (x - ones * 0x20) | ((x ^ ones * '"') - ones) |
          ((x ^ ones * '\\') - ones)) &
         ones << 7;
}
#endif

/* Past the plain bytes from [p] (before [end]). */
static inline const unsigned char *skip_plain(const unsigned char *p,
                                              const unsigned char *end) {
#if SCAN_WORDS
  if (p < end && !plain(*p)) /* in Japanese text, often */
    return p;
  while (end - p >= 8) {
    uint64_t x, stop;
    memcpy(&x, p, 8);
    if ((stop = stop_bytes(x)) != 0)
      return p + (__builtin_ctzll(stop) >> 3);
    p += 8;
  }
#endif
  while (p < end && plain(*p))
    p++;
  return p;
}

/* Whether the 3 bytes at [p] are a sequence led by E1..EC, EE or EF with
 * two continuation bytes: always valid UTF-8 (kana, kanji, fullwidth
 * forms), no need for scan_utf8. */
static inline bool common_3byte(const unsigned char *p) {
  return p[0] >= 0xE1 && p[0] <= 0xEF && p[0] != 0xED &&
         (p[1] & 0xC0) == 0x80 &&
         (p[2] & 0xC0) == 0x80;
}

/* The same for the 2 bytes at [p]: C2..DF and a continuation byte are
 * always valid (U+0080..U+07FF: '§', '×', accented letters). */
static inline bool valid_2byte(const unsigned char *p) {
  return p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80;
}

#if SCAN_WORDS
/* Whether the lead bytes of common 3-byte sequences, whose high nibbles
 * are known to be E, have low nibbles [t] (one in each byte that
 * [ones] has 0x01 in, zero elsewhere) that are neither 0 (E0) nor D
 * (ED). A nibble plus 0x0F carries into bit 4 exactly when it is not 0,
 * and its XOR with 0x0D plus 0x0F exactly when it is not D; no carry
 * reaches the next byte. */
static inline bool leads_ok(uint64_t t, uint64_t ones) {
  uint64_t k = ones * 0x0F, h = ones * 0x10;
  return ((t + k) & ((t ^ ones * 0x0D) + k) & h) == h;
}

/* Whether the 8 bytes [x] start with two common 3-byte sequences. */
static inline bool common_3byte_pair(uint64_t x) {
  return (x & 0xC0C0F0C0C0F0u) == 0x8080E08080E0u &&
         leads_ok(x & 0x00000F00000Fu, 0x000001000001u);
}
#endif

/* Past the plain bytes, 2-byte sequences and common 3-byte sequences
 * from [p]: at the closing quote of a string with nothing else in it.
 * Japanese text is runs of 3-byte sequences: two of them per step.
 * (Four per step, by 12 bytes, cost more than they save on the short
 * runs of a check sheet: a name, a bracketed title.) */
static inline const unsigned char *skip_simple(const unsigned char *p,
                                               const unsigned char *end) {
  for (;;) {
    const unsigned char *run = p = skip_plain(p, end);
#if SCAN_WORDS
    for (uint64_t x; end - p >= 8 && (memcpy(&x, p, 8), common_3byte_pair(x));)
      p += 6;
#endif
    if (end - p >= 3 && common_3byte(p))
      p += 3;
    else if (end - p >= 2 && valid_2byte(p))
      p += 2;
    else if (p == run)
      return p;
  }
}

/* Check a string's body from the cursor up to its closing quote, where
 * the cursor stops; *[escaped] says whether there was any escape. */
static bool scan_string(parser *ps, bool *escaped) {
  const unsigned char *end = (const unsigned char *)ps->end;
  for (;;) {
    const unsigned char *p = skip_simple((const unsigned char *)ps->p, end);
    ps->p = (const char *)p;
    if (p == end)
      return fail_eof(ps);
    unsigned char c = *p;
    if (c == '"')
      return true;
    if (c == '\\') {
      *escaped = true;
      if (!scan_escape(ps))
        return false;
    } else if (c >= 0x80) {
      if (!scan_utf8(ps))
        return false;
    } else {
      return fail_at(ps, ps->p, "control character U+%04X in string", c);
    }
  }
}

/* ==== strings: decoding ================================================== */

static uint32_t hex4(const char *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++)
    v = v << 4 | (uint32_t)hex_value(p[i]);
  return v;
}

/* Decode the checked escape at [p] into *[o]; returns the byte after it. */
static const char *decode_escape(const char *p, char **o) {
  char c = p[1];
  switch (c) {
  case 'b': c = '\b'; break;
  case 'f': c = '\f'; break;
  case 'n': c = '\n'; break;
  case 'r': c = '\r'; break;
  case 't': c = '\t'; break;
  case 'u': {
    uint32_t cp = hex4(p + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* checked: a low one follows */
      cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 8) - 0xDC00);
      p += 6;
    }
    *o += utf8_encode(cp, *o);
    return p + 6;
  }
  default: break; /* '"', '\\' and '/' stand for themselves */
  }
  *(*o)++ = c;
  return p + 2;
}

/* Most strings of a fact set are short: copy and compare up to 16
 * bytes with two overlapping loads instead of a call (memcpy with a
 * constant size compiles to one move). */
static inline void copy_bytes(char *o, const char *p, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    memcpy(&a, p, 8);
    memcpy(&b, p + n - 8, 8);
    memcpy(o, &a, 8);
    memcpy(o + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + n - 4, 4);
    memcpy(o, &a, 4);
    memcpy(o + n - 4, &b, 4);
  } else if (n > 0 && n < 4) { /* bytes 0, n/2, n-1: all of them */
    o[0] = p[0];
    o[n / 2] = p[n / 2];
    o[n - 1] = p[n - 1];
  } else if (n > 16) {
    memcpy(o, p, n);
  }
}

/* An unhashed string of [n] bytes to fill in (NULL: out of memory). */
static inline str *new_str(arena *a, size_t n) {
  str *s = arena_alloc_fast(a, sizeof(str) + n + 1);
  if (likely(s != NULL)) {
    s->len = (uint32_t)n; /* n < 4 GiB: the text is */
    s->hash = 0;
    s->data[n] = '\0';
  }
  return s;
}

/* The string of the [n] plain bytes at [p]. */
static val copy_string(arena *a, const char *p, size_t n) {
  str *s = new_str(a, n);
  if (!s)
    return val_nomem();
  copy_bytes(s->data, p, n);
  return val_from_str(V_STRING, s);
}

/* The string whose checked body is [p, end), escapes decoded. Decoding
 * never makes text longer, so the raw length is enough room. */
static val decode_string(arena *a, const char *p, const char *end) {
  str *s = new_str(a, (size_t)(end - p));
  if (!s)
    return val_nomem();
  char *o = s->data;
  while (p < end) {
    const char *bs = memchr(p, '\\', (size_t)(end - p));
    size_t run = (size_t)((bs ? bs : end) - p);
    memcpy(o, p, run);
    o += run;
    p += run;
    if (bs)
      p = decode_escape(p, &o);
  }
  s->len = (uint32_t)(o - s->data);
  s->data[s->len] = '\0';
  return val_from_str(V_STRING, s);
}

/* A string at the cursor (its opening quote), unhashed (value.h: most
 * string values are never hashed; str_hash does it when needed). Most
 * strings are plain bytes and common 3-byte sequences up to the closing
 * quote; anything else (escapes, other UTF-8 to check, errors) goes
 * through scan_string from where the fast scan stopped. */
static bool parse_string(parser *ps, val *out) {
  const char *quote = ps->p;
  const char *body = quote + 1;
  const char *p = (const char *)skip_simple((const unsigned char *)body,
                                            (const unsigned char *)ps->end);
  bool escaped = false;
  ps->p = p;
  if (unlikely(p == ps->end || *p != '"') && !scan_string(ps, &escaped))
    return false;
  size_t n = (size_t)(ps->p - body);
  *out = escaped ? decode_string(ps->a, body, ps->p)
                 : copy_string(ps->a, body, n);
  ps->p++; /* the closing quote */
  return made(ps, *out, quote);
}

/* The key [s]/[n] (plain bytes, hash [h]): the string read for the same
 * key earlier in this text, or a new one, remembered. */
static bool intern_key(parser *ps, const char *s, size_t n, uint32_t h,
                       val *out) {
  str **slot = &ps->seen[h & (KEYS_SEEN - 1)];
  str *k = *slot;
  if (!k || k->hash != h || k->len != n || !val_bytes_eq(k->data, s, n)) {
    if (!(k = new_str(ps->a, n)))
      return made(ps, val_nomem(), s - 1);
    copy_bytes(k->data, s, n);
    k->hash = h;
    *slot = k;
  }
  *out = val_from_str(V_STRING, k);
  return true;
}

/* FNV-1a of [n] bytes at [p] (val_hash_bytes), four bytes per step. */
static inline uint32_t hash_key(const unsigned char *p, size_t n) {
  uint32_t h = VAL_HASH_SEED;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    h = val_hash_step(h, p[i]);
    h = val_hash_step(h, p[i + 1]);
    h = val_hash_step(h, p[i + 2]);
    h = val_hash_step(h, p[i + 3]);
  }
  for (; i < n; i++)
    h = val_hash_step(h, p[i]);
  return h;
}

#if SCAN_WORDS
/* If the string whose body starts at [body] is at most 7 plain bytes
 * and 8 bytes can be read there, its length, with its bytes zero-padded
 * in *[word]; else -1. Most keys and many values of a fact set are
 * ("answer", "JP"): one load and one test read them. */
static inline int short_plain(const unsigned char *body,
                              const unsigned char *end, uint64_t *word) {
  uint64_t x, stop;
  if (end - body < 8)
    return -1;
  memcpy(&x, body, 8);
  if (!(stop = stop_bytes(x)))
    return -1;
  int n = __builtin_ctzll(stop) >> 3;
  if (body[n] != '"')
    return -1;
  *word = x & ((UINT64_C(1) << (8 * n)) - 1);
  return n;
}

/* A string of [n] bytes (n < 8) from the zero-padded [word]: 8 bytes of
 * room, so one store copies the bytes and the terminating NUL. */
static inline str *short_str(arena *a, int n, uint64_t word) {
  str *s = arena_alloc_fast(a, sizeof(str) + 8);
  if (likely(s != NULL)) {
    s->len = (uint32_t)n;
    s->hash = 0;
    memcpy(s->data, &word, 8);
  }
  return s;
}

/* The slot of the short string whose bytes (and closing quote) [x]
 * starts with. Only the first two bytes choose it, so that a string
 * read before is found from the 8 bytes at its body (short_seen_at)
 * before its length is known (a string of 0 or 1 byte is not, but is
 * still found by short_string). */
static inline short_seen *short_slot(parser *ps, uint64_t x) {
  return &ps->shorts[((x & 0xFFFF) * UINT64_C(0x9E3779B97F4A7C15)) >> 57];
}

/* The string read earlier in this text whose bytes and closing quote
 * begin the 8 bytes [x] at a string's body, or NULL: one load, one mask
 * and one comparison read a repeated key or short value ("answer",
 * "JP"), which was checked when it was first read. An empty slot (mask
 * and word 0) gives its NULL. */
static inline str *short_seen_at(parser *ps, uint64_t x) {
  const short_seen *e = short_slot(ps, x);
  return (x & e->mask) == e->word ? e->s : NULL;
}

/* The short string [n]/[word] at [body], a key or a value: the string
 * read for it earlier in this text, or a new one, hashed, remembered.
 * Short values are hashed too: it costs little once per distinct value,
 * and the VM compares them with a policy's constants ("○", "JP") by
 * their hashes first. */
static inline str *short_string(parser *ps, const unsigned char *body,
                                int n, uint64_t word) {
  short_seen *e = short_slot(ps, word);
  uint64_t quoted = word | (uint64_t)'"' << (8 * n);
  if (likely(e->s && e->word == quoted))
    return e->s;
  str *k = short_str(ps->a, n, word);
  if (k) {
    k->hash = hash_key(body, (size_t)n);
    *e = (short_seen){quoted, ~UINT64_C(0) >> (8 * (7 - n)), k};
  }
  return k;
}
#endif

/* The object key at [p] (its opening quote) into *[out], hashed: map
 * lookups compare cached hashes. A key of plain bytes is interned; any
 * other goes the way of values, then gets its hash. Returns the byte
 * after the closing quote, or NULL on error. */
static inline const char *key_at(parser *ps, const char *p, val *out) {
  const unsigned char *body = (const unsigned char *)p + 1;
#if SCAN_WORDS
  uint64_t word;
  if (likely((const unsigned char *)ps->end - body >= 8)) {
    memcpy(&word, body, 8);
    str *k = short_seen_at(ps, word);
    if (k) {
      *out = (val){.kind = V_STRING, .as.s = k};
      return (const char *)body + k->len + 1;
    }
  }
  int n = short_plain(body, (const unsigned char *)ps->end, &word);
  if (likely(n >= 0)) {
    str *k = short_string(ps, body, n, word);
    if (unlikely(!k)) {
      made(ps, val_nomem(), p);
      return NULL;
    }
    *out = (val){.kind = V_STRING, .as.s = k};
    return (const char *)body + n + 1;
  }
#endif
  const unsigned char *q = skip_plain(body, (const unsigned char *)ps->end);
  if (likely(q < (const unsigned char *)ps->end && *q == '"')) {
    size_t len = (size_t)(q - body);
    if (!intern_key(ps, (const char *)body, len, hash_key(body, len), out))
      return NULL;
    return (const char *)q + 1;
  }
  ps->p = p;
  if (!parse_string(ps, out))
    return NULL;
  str_seal(out->as.s); /* just made: nobody else has it yet */
  return ps->p;
}

/* ==== numbers ============================================================ */

/* Step *[pp] over one or more digits, or fail with "expected [what]". */
static bool scan_digits(parser *ps, const char **pp, const char *what) {
  const char *p = *pp;
  while (p < ps->end && is_digit(*p))
    p++;
  if (p == *pp) {
    ps->p = p;
    return fail_found(ps, what);
  }
  *pp = p;
  return true;
}

/* Check the number at the cursor and step over it:
 *   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * *[integral] says whether it has neither fraction nor exponent. */
static bool scan_number(parser *ps, bool *integral) {
  const char *p = ps->p + (*ps->p == '-');
  if (ps->end - p > 1 && p[0] == '0' && is_digit(p[1]))
    return fail_at(ps, p, "leading zeros are not allowed");
  if (!scan_digits(ps, &p, "expected a digit after '-'"))
    return false;
  *integral = true;
  if (p < ps->end && *p == '.') {
    p++;
    if (!scan_digits(ps, &p, "expected a digit after '.'"))
      return false;
    *integral = false;
  }
  if (p < ps->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < ps->end && (*p == '+' || *p == '-'))
      p++;
    if (!scan_digits(ps, &p, "expected a digit in the exponent"))
      return false;
    *integral = false;
  }
  ps->p = p;
  return true;
}

/* The checked integer [s, e) as V_INT if it fits int64, else V_UINT if it
 * fits uint64; false if it fits neither. */
static bool make_int(const char *s, const char *e, val *out) {
  bool neg = *s == '-';
  uint64_t m = 0;
  for (const char *p = s + neg; p < e; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (m > UINT64_MAX / 10 || (m == UINT64_MAX / 10 && d > UINT64_MAX % 10))
      return false;
    m = m * 10 + d;
  }
  if (!neg) {
    *out = m <= INT64_MAX ? val_int((int64_t)m) : val_uint(m);
    return true;
  }
  if (m > (uint64_t)INT64_MAX + 1)
    return false;
  *out = val_int(m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m);
  return true;
}

/* The exponent digits [p, e) after 'e' (sign included), capped so that it
 * cannot overflow: any cap beyond 22 + 19 digits is as good. */
static int read_exponent(const char *p, const char *e) {
  int sign = 1, x = 0;
  if (*p == '+' || *p == '-')
    sign = *p++ == '-' ? -1 : 1;
  for (; p < e; p++)
    if (x < 100000)
      x = x * 10 + (*p - '0');
  return sign * x;
}

/* Clinger's fast path: when the decimal significand fits in 53 bits and
 * the power of ten is exact (at most 1e22), one IEEE multiply or divide
 * of two exact doubles is the correctly rounded result. It needs doubles
 * to be evaluated as doubles (no x87 excess precision). false when the
 * path does not apply. */
static bool fast_double(const char *s, const char *e, double *out) {
#if FLT_EVAL_METHOD == 0
  static const double exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};
  bool neg = *s == '-', fraction = false;
  const char *p = s + neg;
  uint64_t m = 0;
  int exp10 = 0;
  for (; p < e && *p != 'e' && *p != 'E'; p++) {
    if (*p == '.') {
      fraction = true;
      continue;
    }
    m = m * 10 + (uint64_t)(*p - '0');
    if (m > (1ull << 53))
      return false;
    exp10 -= fraction;
  }
  if (p < e)
    exp10 += read_exponent(p + 1, e);
  if (exp10 < -22 || exp10 > 22)
    return false;
  double d = (double)m;
  d = exp10 < 0 ? d / exact[-exp10] : d * exact[exp10];
  *out = neg ? -d : d;
  return true;
#else
  POL_UNUSED(s), POL_UNUSED(e), POL_UNUSED(out);
  return false;
#endif
}

/* strtod on a NUL-terminated copy of the checked number [s, e), in the
 * "C" locale: glibc's strtod is correctly rounded for any length. */
static bool slow_double(parser *ps, const char *s, const char *e, double *out) {
  char small[64], *buf = small;
  size_t n = (size_t)(e - s);
  if (n >= sizeof small && !(buf = mem_alloc(&ps->a->m, n + 1)))
    return fail_oom(ps, s);
  memcpy(buf, s, n);
  buf[n] = '\0';
  locale_t old = uselocale(json_c_locale());
  *out = strtod(buf, NULL);
  uselocale(old);
  if (buf != small)
    mem_free(&ps->a->m, buf);
  if (isinf(*out))
    return fail_at(ps, s, "number out of range");
  return true;
}

/* A number at the cursor (a '-' or a digit). */
static bool parse_number(parser *ps, val *out) {
  const char *start = ps->p;
  bool integral = true;
  if (!scan_number(ps, &integral))
    return false;
  if (integral && make_int(start, ps->p, out))
    return true;
  double d = 0;
  if (!fast_double(start, ps->p, &d) && !slow_double(ps, start, ps->p, &d))
    return false;
  *out = val_double(d);
  return true;
}

/* ==== literals and scalars =============================================== */

/* The literal [word] at the cursor, which stands for [v]. */
static bool parse_word(parser *ps, const char *word, val v, val *out) {
  size_t len = strlen(word), left = (size_t)(ps->end - ps->p);
  size_t k = left < len ? left : len;
  if (memcmp(ps->p, word, k) != 0)
    return fail_at(ps, ps->p, "invalid literal (expected '%s')", word);
  if (k < len)
    return fail_eof(ps);
  ps->p += len;
  *out = v;
  return true;
}

/* Anything but an array or object at the cursor (not at the end). */
static bool parse_scalar(parser *ps, val *out) {
  switch (*ps->p) {
  case '"': return parse_string(ps, out);
  case 't': return parse_word(ps, "true", val_bool(true), out);
  case 'f': return parse_word(ps, "false", val_bool(false), out);
  case 'n': return parse_word(ps, "null", val_null(), out);
  case '-': case '0': case '1': case '2': case '3': case '4': case '5':
  case '6': case '7': case '8': case '9':
    return parse_number(ps, out);
  default: return fail_found(ps, "expected a value");
  }
}

/* ==== arrays and objects ================================================= */

static bool same_str(const str *a, const str *b) {
  return a->hash == b->hash && a->len == b->len &&
         memcmp(a->data, b->data, a->len) == 0;
}

/* Remove repeated keys from [keys]/[vals] in place: each key keeps the
 * place of its first occurrence and the value of its last. Returns the
 * new count, or SIZE_MAX when out of memory. */
static POL_NOINLINE size_t dedupe(const mem *m, val *keys, val *vals,
                                  size_t n) {
  size_t nb = 16;
  while (nb < 2 * n)
    nb *= 2;
  uint32_t *slot = mem_calloc(m, nb, sizeof *slot); /* kept index + 1 */
  if (!slot)
    return SIZE_MAX;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    const str *k = keys[i].as.s;
    size_t h = k->hash & (nb - 1);
    while (slot[h] && !same_str(keys[slot[h] - 1].as.s, k))
      h = (h + 1) & (nb - 1);
    if (slot[h]) {
      vals[slot[h] - 1] = vals[i];
      continue;
    }
    slot[h] = (uint32_t)kept + 1;
    keys[kept] = keys[i];
    vals[kept++] = vals[i];
  }
  mem_free(m, slot);
  return kept;
}

/* Copy the [n] items [from] into [to], the entries of the container
 * [parent] ([kind]: ORIGIN_MAP or ORIGIN_LIST), and in a fact set link
 * the containers among them to it, as val_adopt would: the items are at
 * hand here, so a fact set needs no second walk. */
static inline void fill_items(const parser *ps, val *to, const val *from,
                              size_t n, const void *parent, uint8_t kind) {
  if (!ps->facts) { /* tested once: the stores below might alias ps */
    for (size_t i = 0; i < n; i++)
      to[i] = from[i];
    return;
  }
  for (size_t i = 0; i < n; i++) {
    val v = to[i] = from[i];
    if (v.kind == V_MAP)
      v.as.m->o = (origin){parent, (uint32_t)i, kind};
    else if (v.kind == V_LIST)
      v.as.l->o = (origin){parent, (uint32_t)i, kind};
  }
}

/* The map of the [n] members [keys]/[vals]. map_strings_done refuses
 * repeated keys (ERR_INVALID; the keys are all strings, so nothing else
 * can be wrong with them) while JSON keeps the last value. Repeats are
 * rare, so let it find them and remove them only then (the first map is
 * left unused in the arena). */
static inline val make_object(parser *ps, val *keys, val *vals, size_t n) {
  for (;;) {
    map *m = map_new(ps->a, n);
    if (!m)
      return val_nomem();
    for (size_t i = 0; i < n; i++)
      m->keys[i] = keys[i];
    fill_items(ps, m->vals, vals, n, m, ORIGIN_MAP);
    val r = n < 2 ? (val){.kind = V_MAP, .as.m = m}
                  : map_strings_done(ps->a, m);
    if (likely(r.kind != V_ERROR) || r.as.e->kind != ERR_INVALID)
      return r;
    if ((n = dedupe(&ps->a->m, keys, vals, n)) == SIZE_MAX)
      return val_nomem();
  }
}

static inline val make_array(parser *ps, const val *items, size_t n) {
  list *l = list_alloc(ps->a, n);
  if (!l)
    return val_nomem();
  fill_items(ps, l->items, items, n, l, ORIGIN_LIST);
  return (val){.kind = V_LIST, .as.l = l};
}

/* Close the innermost container, whose closing bracket is at [at]: its
 * items leave the stacks and become *[out]. */
static bool close_container(parser *ps, val *out, const char *at) {
  frame f = ps->frames[--ps->depth];
  val *vals = items_from(&ps->vals, f.vbase);
  size_t n = ps->vals.n - f.vbase;
  *out = f.object ? make_object(ps, items_from(&ps->keys, f.kbase), vals, n)
                  : make_array(ps, vals, n);
  ps->keys.n = f.kbase;
  ps->vals.n = f.vbase;
  return made(ps, *out, at);
}

/* ==== the value loop ===================================================== */

/* The loop keeps its cursor in a local variable, which the compiler
 * keeps in a register: through ps->p it would be read again after every
 * byte stored into the arena (a char store may alias anything). The
 * helpers below take the cursor and return where they stopped, or NULL
 * after an error. What is rare or fails goes to the checked functions
 * above, which work on ps->p: the cursor is stored there first, so every
 * error is found and worded by the same code as before this loop
 * existed. */

/* Past the whitespace at [p]. Whitespace and control bytes are all
 * below '!', so one comparison passes by compact JSON; one space
 * (pretty-printed JSON's after ':') needs no call either. */
static inline const char *ws(const char *p, const char *end) {
  if (likely(p == end || (unsigned char)*p > ' '))
    return p;
  if (*p == ' ' && end - p > 1 && (unsigned char)p[1] > ' ')
    return p + 1;
#if SCAN_WORDS
  if (*p == '\n' && end - p > 8) { /* a new line and up to 7 spaces */
    uint64_t x;
    memcpy(&x, p + 1, 8);
    x ^= 0x2020202020202020u;
    const char *q = p + 1 + (x ? __builtin_ctzll(x) >> 3 : 8);
    if (q - p <= 8 && (unsigned char)*q > ' ')
      return q;
  }
#endif
  return skip_ws_run(p, end);
}

/* A string value at [p] (its opening quote). Short ones are interned and
 * hashed (short_string); longer ones are left unhashed (value.h). */
static inline const char *string_at(parser *ps, const char *p, val *out) {
#if SCAN_WORDS
  const unsigned char *body = (const unsigned char *)p + 1;
  uint64_t word;
  if (likely(ps->end - p > 8)) {
    memcpy(&word, body, 8);
    str *s = short_seen_at(ps, word);
    if (s) {
      *out = (val){.kind = V_STRING, .as.s = s};
      return p + s->len + 2;
    }
  }
  int n = short_plain(body, (const unsigned char *)ps->end, &word);
  if (n >= 0) {
    str *s = short_string(ps, body, n, word);
    if (unlikely(!s)) {
      made(ps, val_nomem(), p);
      return NULL;
    }
    *out = (val){.kind = V_STRING, .as.s = s};
    return p + n + 2;
  }
  if (ps->end - p >= 5 && common_3byte(body) && p[4] == '"') {
    /* one character: a check sheet's ○, ×, △ or － */
    word = 0;
    memcpy(&word, body, 3);
    str *s = short_string(ps, body, 3, word);
    if (unlikely(!s)) {
      made(ps, val_nomem(), p);
      return NULL;
    }
    *out = (val){.kind = V_STRING, .as.s = s};
    return p + 5;
  }
#endif
  const char *q = (const char *)skip_simple((const unsigned char *)p + 1,
                                            (const unsigned char *)ps->end);
  if (likely(q < ps->end && *q == '"')) {
    size_t len = (size_t)(q - p - 1);
    str *s = new_str(ps->a, len);
    if (unlikely(!s)) {
      made(ps, val_nomem(), p);
      return NULL;
    }
    copy_bytes(s->data, p + 1, len);
    *out = (val){.kind = V_STRING, .as.s = s};
    return q + 1;
  }
  ps->p = p;
  return parse_string(ps, out) ? ps->p : NULL;
}

/* A number at [p]. Most numbers of a fact set are plain integers of a
 * few digits: up to 18 digits (below 2^63) are read here at once;
 * anything else (a fraction, an exponent, a leading zero, more digits,
 * an error) goes to parse_number. */
static inline const char *number_at(parser *ps, const char *p, val *out) {
  const char *end = ps->end, *d = p + (*p == '-'), *q = d;
  uint64_t m = 0;
  while (q < end && is_digit(*q) && q - d < 18)
    m = m * 10 + (uint64_t)(*q++ - '0');
  bool plain_int = q > d && (*d != '0' || q - d == 1) &&
                   (q == end || (!is_digit(*q) && *q != '.' &&
                                 (*q | 0x20) != 'e'));
  if (likely(plain_int)) {
    *out = val_int(*p == '-' ? -(int64_t)m : (int64_t)m);
    return q;
  }
  ps->p = p;
  return parse_number(ps, out) ? ps->p : NULL;
}

/* A value at [p] that is not an array or object. */
static inline const char *scalar_at(parser *ps, const char *p, val *out) {
  if (*p == '"') /* the commonest: before the switch's chain of tests */
    return string_at(ps, p, out);
  size_t left = (size_t)(ps->end - p);
  switch (*p) {
  case '-': case '0': case '1': case '2': case '3': case '4': case '5':
  case '6': case '7': case '8': case '9':
    return number_at(ps, p, out);
  case 't':
    if (left >= 4 && memcmp(p, "true", 4) == 0)
      return *out = val_bool(true), p + 4;
    break;
  case 'f':
    if (left >= 5 && memcmp(p, "false", 5) == 0)
      return *out = val_bool(false), p + 5;
    break;
  case 'n':
    if (left >= 4 && memcmp(p, "null", 4) == 0)
      return *out = val_null(), p + 4;
    break;
  default: break;
  }
  ps->p = p; /* a literal cut short or misspelt, or no value at all */
  return parse_scalar(ps, out) ? ps->p : NULL;
}

/* A member's key at [p], the ':' after it and the whitespace up to its
 * value. */
static inline const char *member_at(parser *ps, const char *p) {
  const char *end = ps->end;
  val k;
  if (unlikely(p == end || *p != '"')) {
    ps->p = p;
    fail_found(ps, "expected a string key");
    return NULL;
  }
  if (!(p = key_at(ps, p, &k)) || !push(ps, &ps->keys, k, p))
    return NULL;
  if (likely(p < end && *p == ':')) /* compact JSON */
    return ws(p + 1, end);
  p = ws(p, end);
  if (unlikely(p == end || *p != ':')) {
    ps->p = p;
    fail_found(ps, "expected ':' after object key");
    return NULL;
  }
  return ws(p + 1, end);
}

/* Open the array or object at [p]: push its frame, step over the
 * bracket and the whitespace after it. */
static inline const char *open_at(parser *ps, const char *p, bool object) {
  if (unlikely(ps->depth == POL_MAX_JSON_DEPTH)) {
    fail_at(ps, p, "nesting too deep (limit is %d)", POL_MAX_JSON_DEPTH);
    return NULL;
  }
  frame *f = &ps->frames[ps->depth++];
  f->kbase = (uint32_t)ps->keys.n;
  f->vbase = (uint32_t)ps->vals.n;
  f->object = object;
  return ws(p + 1, ps->end);
}

/* Whether the innermost open container is an object. */
static inline bool in_object(const parser *ps) {
  return ps->depth > 0 && ps->frames[ps->depth - 1].object;
}

/* One value at the cursor, into *[out]. Each turn of the outer loop
 * reads one item: the key first when it is an object member, then the
 * value. An array or object that opens becomes the innermost open
 * container (its first item is read by the next turn), unless it is
 * empty. A complete value is handed up by the inner loop: to the
 * innermost open container, whose end may follow (the container is then
 * the complete value, one level up), or a ',' and the next item. One
 * place reads keys and one reads values, so that the helpers inline. */
static bool parse_value(parser *ps, val *out) {
  const char *p = ps->p, *end = ps->end;
  bool object = false; /* the innermost open container is an object */
  bool key = false;    /* the next item is an object member */
  val v;
  for (;;) {
    if (key && !(p = member_at(ps, p)))
      return false;
    if (unlikely(p == end))
      return fail_eof(ps);
    char open = *p, close = open == '{' ? '}' : ']';
    if (open == '{' || open == '[') {
      if (!(p = open_at(ps, p, open == '{')))
        return false;
      if (p == end || *p != close) {
        key = object = open == '{';
        continue;
      }
      if (!close_container(ps, &v, p++))
        return false;
      object = in_object(ps);
    } else if (!(p = scalar_at(ps, p, &v))) {
      return false;
    }
    for (;;) { /* hand v up */
      if (ps->depth == 0) {
        ps->p = p;
        *out = v;
        return true;
      }
      close = object ? '}' : ']';
      if (!push(ps, &ps->vals, v, p))
        return false;
      if (likely(p < end && *p == ',')) /* compact JSON, another item */
        break;
      p = ws(p, end);
      if (p == end || *p != close)
        break;
      if (!close_container(ps, &v, p++))
        return false;
      object = in_object(ps);
    }
    if (unlikely(p == end || *p != ',')) {
      ps->p = p;
      return fail_found(ps, object ? "expected ',' or '}' after object member"
                                   : "expected ',' or ']' after array element");
    }
    const char *comma = p;
    p = ws(p + 1, end);
    if (unlikely(p < end && *p == close))
      return fail_at(ps, comma, "trailing comma before '%c'", close);
    key = object;
  }
}

/* ==== entry points ======================================================= */

static void parser_init(parser *ps, arena *a, const char *s, size_t n,
                        size_t pos, json_error *error, json_scratch *keep,
                        bool facts) {
  ps->a = a;
  ps->facts = facts;
  ps->s = s;
  ps->p = s + pos;
  ps->end = s + n;
  ps->vals = keep ? (vstack){keep->vals, 0, keep->vcap} : (vstack){0, 0, 0};
  ps->keys = keep ? (vstack){keep->keys, 0, keep->kcap} : (vstack){0, 0, 0};
  ps->err = error;
  ps->err->oom = false;
  ps->keep = keep;
  ps->depth = 0;
  memset(ps->shorts, 0, sizeof ps->shorts);
  memset(ps->seen, 0, sizeof ps->seen);
}

/* Whether [s] starts with a UTF-16 byte order mark: a file Windows
 * saved as "Unicode", which deserves a better word than its first byte
 * (0xFF or 0xFE) being no UTF-8. */
static bool has_utf16_bom(const char *s, size_t n) {
  return n >= 2 && (!memcmp(s, "\xFF\xFE", 2) || !memcmp(s, "\xFE\xFF", 2));
}

/* Optional whitespace, one value, optional whitespace. A byte order mark
 * is skipped when the cursor is at the very start of the text. */
static bool parse_text(parser *ps, val *out) {
  if (ps->p == ps->s && has_utf16_bom(ps->s, (size_t)(ps->end - ps->s)))
    return fail_at(ps, ps->p, "the text is UTF-16 (it starts with a UTF-16 "
                   "byte order mark); JSON is read as UTF-8: save it as "
                   "UTF-8");
  if (ps->p == ps->s && has_bom(ps->s, (size_t)(ps->end - ps->s)))
    ps->p += 3;
  skip_ws(ps);
  if (!parse_value(ps, out))
    return false;
  skip_ws(ps);
  return true;
}

/* Free the scratch stacks (or give them back to the caller's scratch, to
 * use again); on failure, fill in the error's position. */
static bool parser_finish(parser *ps, bool ok) {
  if (ps->keep) {
    *ps->keep = (json_scratch){ps->vals.v, ps->vals.cap, ps->keys.v,
                               ps->keys.cap};
  } else {
    mem_free(&ps->a->m, ps->vals.v);
    mem_free(&ps->a->m, ps->keys.v);
  }
  if (!ok)
    locate(ps->s, (size_t)(ps->end - ps->s), ps->err);
  return ok;
}

/* Parse the value at *[pos] and step past it (contract in json.h). */
bool json_parse_next(arena *a, const char *s, size_t n, size_t *pos,
                     val *out, json_error *error) {
  json_error unused;
  parser ps;
  if (!error)
    error = &unused;
  if (n >= UINT32_MAX)
    return refuse(error, "JSON stream too large (limit is 4 GiB)");
  parser_init(&ps, a, s, n, *pos, error, NULL, false);
  if (!parser_finish(&ps, parse_text(&ps, out)))
    return false;
  *pos = (size_t)(ps.p - s);
  return true;
}

/* Parse the whole text as one value (contract in json.h). */
bool json_parse(arena *a, const char *s, size_t n, val *out,
                json_error *error) {
  return json_parse_with(a, s, n, out, error, NULL, false);
}

bool json_parse_with(arena *a, const char *s, size_t n, val *out,
                     json_error *error, json_scratch *scratch, bool facts) {
  json_error unused;
  parser ps;
  if (!error)
    error = &unused;
  if (n >= UINT32_MAX)
    return refuse(error, "JSON text too large (limit is 4 GiB)");
  parser_init(&ps, a, s, n, 0, error, scratch, facts);
  bool ok = parse_text(&ps, out);
  if (ok && ps.p != ps.end)
    ok = fail_at(&ps, ps.p, "trailing data after JSON value");
  return parser_finish(&ps, ok);
}

size_t json_newlines(const char *s, size_t n) {
  size_t lines = 0;
  const char *end = s + n, *nl;
  while (s < end && (nl = memchr(s, '\n', (size_t)(end - s))) != NULL) {
    lines++;
    s = nl + 1;
  }
  return lines;
}

unsigned json_value_col(const char *s, size_t n, size_t start) {
  size_t at = start;
  if (at == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    at = 3;
  while (at < n && is_ws(s[at]))
    at++;
  size_t from = at;
  while (from > 0 && s[from - 1] != '\n')
    from--;
  if (from == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    from = 3; /* a byte order mark takes no column */
  unsigned col = 1;
  for (size_t i = from; i < at; i++)
    col += ((unsigned char)s[i] & 0xC0) != 0x80;
  return col;
}

unsigned json_leading_lines(const char *s, size_t n) {
  unsigned lines = 0;
  for (size_t i = 0; i < n && is_ws(s[i]); i++)
    lines += s[i] == '\n';
  return lines;
}
