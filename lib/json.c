/*
 * json.c: the JSON reader, which turns RFC 8259 text straight into values
 * allocated in an arena, and the JSON writer (see json.h for the rules).
 *
 * The reader is one forward pass over the bytes with a cursor. Containers
 * are parsed with an explicit stack of frames instead of recursion, so
 * hostile nesting costs a counter, not C stack. The items of every open
 * container sit on two heap scratch stacks (values, and keys of
 * objects); when a container closes, its items are the top of those
 * stacks and become one list or map in a single allocation. Strings
 * without escapes are copied once; strings with escapes are checked in
 * the scan and decoded in a second, error-free pass. Numbers take
 * Clinger's exact fast path when they can and strtod in the "C" locale
 * otherwise. Line and column are computed only when an error happens.
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

#include "time.h"

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

typedef struct parser {
  arena *a;
  const char *s;   /* the whole text: error offsets count from here */
  const char *p;   /* the cursor */
  const char *end; /* one past the last byte */
  vstack vals;     /* items of open arrays, values of open objects */
  vstack keys;     /* keys of open objects */
  json_error *err;
  json_scratch *keep; /* where the stacks go back to, or NULL: freed */
  uint32_t depth; /* open containers: frames[0..depth) */
  frame frames[POL_MAX_JSON_DEPTH];
} parser;

/* Steps of the container loop (see add_item). */
enum { ITEM_FAILED, ITEM_NEXT, ITEM_CLOSED };

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

static bool push(parser *ps, vstack *st, val v) {
  if (unlikely(st->n == st->cap)) {
    size_t cap = st->cap ? 2 * st->cap : 64;
    val *grown = mem_realloc(&ps->a->m, st->v, cap * sizeof *grown);
    if (!grown)
      return fail_oom(ps, ps->p);
    st->v = grown;
    st->cap = cap;
  }
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

static inline bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static inline void skip_ws(parser *ps) {
  while (ps->p < ps->end && is_ws(*ps->p))
    ps->p++;
}

static inline bool at(const parser *ps, char c) {
  return ps->p < ps->end && *ps->p == c;
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

/* Check a string's body from the cursor up to its closing quote, where
 * the cursor stops; *[escaped] says whether there was any escape. */
static bool scan_string(parser *ps, bool *escaped) {
  for (;;) {
    const unsigned char *p = (const unsigned char *)ps->p,
                        *end = (const unsigned char *)ps->end;
    for (;;) {
      while (p < end && plain(*p))
        p++;
      /* three-byte sequences led by E1..EC, EE, EF with two continuation
       * bytes are always valid (kana, kanji): no need for scan_utf8 */
      if (end - p >= 3 && *p >= 0xE1 && *p <= 0xEF && *p != 0xED &&
          (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
        p += 3;
      else
        break;
    }
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

/* The string whose checked body is [p, end), escapes decoded. Decoding
 * never makes text longer, so the raw length is enough room. */
static val decode_string(arena *a, const char *p, const char *end) {
  str *s = str_alloc(a, (size_t)(end - p));
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
  str_seal(s);
  return val_from_str(V_STRING, s);
}

/* A string at the cursor (its opening quote). */
static bool parse_string(parser *ps, val *out) {
  const char *quote = ps->p++;
  bool escaped = false;
  if (!scan_string(ps, &escaped))
    return false;
  const char *body = quote + 1;
  if (escaped)
    *out = decode_string(ps->a, body, ps->p);
  else
    *out = val_string(ps->a, body, (size_t)(ps->p - body));
  ps->p++; /* the closing quote */
  return made(ps, *out, quote);
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
static size_t dedupe(const mem *m, val *keys, val *vals, size_t n) {
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

/* The map of the keys and values above [kbase]/[vbase]. val_map refuses
 * repeated keys (ERR_INVALID; the keys are all strings, so nothing else
 * can be wrong with them) while JSON keeps the last value. Repeats are
 * rare, so let val_map find them and remove them only then. */
static val make_map(parser *ps, size_t kbase, size_t vbase) {
  size_t n = ps->keys.n - kbase;
  val *keys = items_from(&ps->keys, kbase);
  val *vals = items_from(&ps->vals, vbase);
  val m = val_map_strings(ps->a, keys, vals, n);
  if (m.kind != V_ERROR || m.as.e->kind != ERR_INVALID)
    return m;
  size_t kept = dedupe(&ps->a->m, keys, vals, n);
  if (kept == SIZE_MAX)
    return val_nomem();
  return kept < n ? val_map_strings(ps->a, keys, vals, kept) : m;
}

/* Open the array or object at the cursor: push its frame, step over the
 * bracket and the whitespace after it. */
static bool open_container(parser *ps, bool object) {
  if (ps->depth == POL_MAX_JSON_DEPTH)
    return fail_at(ps, ps->p, "nesting too deep (limit is %d)",
                   POL_MAX_JSON_DEPTH);
  frame *f = &ps->frames[ps->depth++];
  f->kbase = (uint32_t)ps->keys.n;
  f->vbase = (uint32_t)ps->vals.n;
  f->object = object;
  ps->p++;
  skip_ws(ps);
  return true;
}

/* Close the innermost container (its closing bracket is just behind the
 * cursor): its items leave the stacks and become *[out]. */
static bool close_container(parser *ps, val *out) {
  frame f = ps->frames[--ps->depth];
  if (f.object)
    *out = make_map(ps, f.kbase, f.vbase);
  else
    *out = val_list(ps->a, items_from(&ps->vals, f.vbase),
                    ps->vals.n - f.vbase);
  ps->keys.n = f.kbase;
  ps->vals.n = f.vbase;
  return made(ps, *out, ps->p - 1);
}

/* An object key at the cursor, the ':' after it and the whitespace up to
 * the value. */
static bool parse_key(parser *ps) {
  val k;
  if (!at(ps, '"'))
    return fail_found(ps, "expected a string key");
  if (!parse_string(ps, &k) || !push(ps, &ps->keys, k))
    return false;
  skip_ws(ps);
  if (!at(ps, ':'))
    return fail_found(ps, "expected ':' after object key");
  ps->p++;
  skip_ws(ps);
  return true;
}

/* Start a value at the cursor: open arrays and objects until a complete
 * value is found (a scalar or an empty container), into *[out]. */
static bool start_value(parser *ps, val *out) {
  for (;;) {
    if (ps->p == ps->end)
      return fail_eof(ps);
    char open = *ps->p;
    if (open != '[' && open != '{')
      return parse_scalar(ps, out);
    if (!open_container(ps, open == '{'))
      return false;
    if (at(ps, open == '{' ? '}' : ']')) {
      ps->p++;
      return close_container(ps, out);
    }
    if (open == '{' && !parse_key(ps))
      return false;
  }
}

/* Hand the complete value *[v] to the innermost open container and read
 * what follows it: a ',' and the start of the next item (ITEM_NEXT), or
 * the container's end (ITEM_CLOSED, and *[v] is now the container). */
static int add_item(parser *ps, val *v) {
  bool object = ps->frames[ps->depth - 1].object;
  char close = object ? '}' : ']';
  if (!push(ps, &ps->vals, *v))
    return ITEM_FAILED;
  skip_ws(ps);
  if (at(ps, close)) {
    ps->p++;
    return close_container(ps, v) ? ITEM_CLOSED : ITEM_FAILED;
  }
  if (!at(ps, ',')) {
    fail_found(ps, object ? "expected ',' or '}' after object member"
                          : "expected ',' or ']' after array element");
    return ITEM_FAILED;
  }
  const char *comma = ps->p++;
  skip_ws(ps);
  if (at(ps, close)) {
    fail_at(ps, comma, "trailing comma before '%c'", close);
    return ITEM_FAILED;
  }
  return object && !parse_key(ps) ? ITEM_FAILED : ITEM_NEXT;
}

/* One value at the cursor, into *[out]. The outer loop starts a value
 * (descending into any containers it opens); the inner one hands each
 * complete value to the innermost open container, climbing out of every
 * container that it completes. */
static bool parse_value(parser *ps, val *out) {
  for (;;) {
    if (!start_value(ps, out))
      return false;
    int step = ITEM_CLOSED;
    while (ps->depth > 0 && (step = add_item(ps, out)) == ITEM_CLOSED) {
    }
    if (step == ITEM_FAILED)
      return false;
    if (ps->depth == 0)
      return true;
  }
}

/* ==== entry points ======================================================= */

static void parser_init(parser *ps, arena *a, const char *s, size_t n,
                        size_t pos, json_error *error, json_scratch *keep) {
  ps->a = a;
  ps->s = s;
  ps->p = s + pos;
  ps->end = s + n;
  ps->vals = keep ? (vstack){keep->vals, 0, keep->vcap} : (vstack){0, 0, 0};
  ps->keys = keep ? (vstack){keep->keys, 0, keep->kcap} : (vstack){0, 0, 0};
  ps->err = error;
  ps->err->oom = false;
  ps->keep = keep;
  ps->depth = 0;
}

/* Optional whitespace, one value, optional whitespace. A byte order mark
 * is skipped when the cursor is at the very start of the text. */
static bool parse_text(parser *ps, val *out) {
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
  parser_init(&ps, a, s, n, *pos, error, NULL);
  if (!parser_finish(&ps, parse_text(&ps, out)))
    return false;
  *pos = (size_t)(ps.p - s);
  return true;
}

/* Parse the whole text as one value (contract in json.h). */
bool json_parse(arena *a, const char *s, size_t n, val *out,
                json_error *error) {
  return json_parse_with(a, s, n, out, error, NULL);
}

bool json_parse_with(arena *a, const char *s, size_t n, val *out,
                     json_error *error, json_scratch *scratch) {
  json_error unused;
  parser ps;
  if (!error)
    error = &unused;
  if (n >= UINT32_MAX)
    return refuse(error, "JSON text too large (limit is 4 GiB)");
  parser_init(&ps, a, s, n, 0, error, scratch);
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

unsigned json_leading_lines(const char *s, size_t n) {
  unsigned lines = 0;
  for (size_t i = 0; i < n && is_ws(s[i]); i++)
    lines += s[i] == '\n';
  return lines;
}

/* ==== writer ============================================================= */

static void write_value(sbuf *b, val v, int indent, int level);

static void newline(sbuf *b, int indent, int level) {
  if (indent <= 0)
    return;
  sb_putc(b, '\n');
  for (long i = (long)indent * level; i > 0; i--)
    sb_putc(b, ' ');
}

static void write_escape(sbuf *b, unsigned char c) {
  switch (c) {
  case '"': sb_puts(b, "\\\""); break;
  case '\\': sb_puts(b, "\\\\"); break;
  case '\n': sb_puts(b, "\\n"); break;
  case '\r': sb_puts(b, "\\r"); break;
  case '\t': sb_puts(b, "\\t"); break;
  case '\b': sb_puts(b, "\\b"); break;
  case '\f': sb_puts(b, "\\f"); break;
  default: sb_printf(b, "\\u%04x", c); break;
  }
}

/* [s]/[n] (UTF-8) as a JSON string: the quote, the backslash and control
 * characters escaped, runs of anything else copied as they are. */
static void write_string(sbuf *b, const char *s, size_t n) {
  size_t run = 0;
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    sb_put(b, s + run, i - run);
    write_escape(b, c);
    run = i + 1;
  }
  sb_put(b, s + run, n - run);
  sb_putc(b, '"');
}

/* [p]/[n] as a string in standard base64 with padding (RFC 4648). */
static void write_base64(sbuf *b, const unsigned char *p, size_t n) {
  static const char digit[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i += 3) {
    uint32_t w = (uint32_t)p[i] << 16;
    if (i + 1 < n)
      w |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n)
      w |= p[i + 2];
    char q[4] = {digit[w >> 18], digit[w >> 12 & 63],
                 i + 1 < n ? digit[w >> 6 & 63] : '=',
                 i + 2 < n ? digit[w & 63] : '='};
    sb_put(b, q, 4);
  }
  sb_putc(b, '"');
}

/* A finite double in val_print's shortest round-trip form, which is also
 * valid JSON ("1.0", "-0.0", "1e+100"); others as strings. */
static void write_double(sbuf *b, double d) {
  if (isnan(d))
    sb_puts(b, "\"NaN\"");
  else if (isinf(d))
    sb_puts(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else
    val_print(b, val_double(d));
}

static void write_list(sbuf *b, const list *l, int indent, int level) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < l->n; i++) {
    if (i)
      sb_putc(b, ',');
    newline(b, indent, level + 1);
    write_value(b, l->items[i], indent, level + 1);
  }
  if (l->n)
    newline(b, indent, level);
  sb_putc(b, ']');
}

/* A map key: strings as they are, other kinds as the string of their
 * JSON text (JSON object keys are always strings). */
static void write_key(sbuf *b, val k) {
  if (k.kind == V_STRING) {
    write_string(b, k.as.s->data, k.as.s->len);
    return;
  }
  sbuf text;
  sb_init(&text, &b->m);
  write_value(&text, k, 0, 0);
  write_string(b, text.p, text.len);
  b->oom |= text.oom;
  sb_free(&text);
}

static void write_map(sbuf *b, const map *m, int indent, int level) {
  sb_putc(b, '{');
  for (uint32_t i = 0; i < m->n; i++) {
    if (i)
      sb_putc(b, ',');
    newline(b, indent, level + 1);
    write_key(b, m->keys[i]);
    sb_puts(b, indent > 0 ? ": " : ":");
    write_value(b, m->vals[i], indent, level + 1);
  }
  if (m->n)
    newline(b, indent, level);
  sb_putc(b, '}');
}

static void write_time(sbuf *b, val v) {
  char buf[48];
  size_t n = v.kind == V_DURATION ? tm_format_duration(buf, v.as.i, v.aux)
                                  : tm_format_timestamp(buf, v.as.i, v.aux);
  write_string(b, buf, n);
}

static void write_error(sbuf *b, const err *e, int indent) {
  sb_puts(b, indent > 0 ? "{\"error\": " : "{\"error\":");
  write_string(b, e->msg, strlen(e->msg));
  sb_putc(b, '}');
}

static void write_value(sbuf *b, val v, int indent, int level) {
  switch (v.kind) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.as.b ? "true" : "false"); break;
  case V_INT: sb_put_int(b, v.as.i); break;
  case V_UINT: sb_put_uint(b, v.as.u); break;
  case V_DOUBLE: write_double(b, v.as.d); break;
  case V_STRING: write_string(b, v.as.s->data, v.as.s->len); break;
  case V_BYTES:
    write_base64(b, (const unsigned char *)v.as.s->data, v.as.s->len);
    break;
  case V_LIST: write_list(b, v.as.l, indent, level); break;
  case V_MAP: write_map(b, v.as.m, indent, level); break;
  case V_DURATION:
  case V_TIMESTAMP: write_time(b, v); break;
  case V_TYPE: sb_printf(b, "\"%s\"", val_type_name(v.aux)); break;
  case V_OPTIONAL:
    if (v.as.opt)
      write_value(b, *v.as.opt, indent, level);
    else
      sb_puts(b, "null");
    break;
  case V_ERROR: write_error(b, v.as.e, indent); break;
  default: sb_puts(b, "null"); break;
  }
}

/* Append [v] as JSON to [b] (contract in json.h). */
void json_write(sbuf *b, val v, int indent) { write_value(b, v, indent, 0); }
