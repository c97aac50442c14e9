/*
 * print.c: the growable text buffer (sbuf, declared in value.h) and
 * val_print, which writes any value as CEL literal text that reads back
 * as the same value: the form of ../shared/conformance/README.md ("CEL
 * literal text"). Doubles print in their shortest round-trip form laid out
 * as Python's repr does (so the output equals the corpus's canonical
 * text), strings escape only what a reader could not see, and durations
 * and timestamps defer to time.c for their text.
 */
#include "value.h"

#include <inttypes.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "time.h"

/* ==== sbuf =============================================================== */

/* Make room for [n] more bytes and the NUL after them. On failure set
 * ->oom and return false: from then on every append is dropped. */
bool sb_reserve(sbuf *b, size_t n) {
  if (b->oom)
    return false;
  if (n < b->cap - b->len) /* cap > len always holds once allocated */
    return true;
  if (n > SIZE_MAX / 4 - b->len) {
    b->oom = true;
    return false;
  }
  size_t cap = b->cap ? b->cap : 64;
  while (cap <= b->len + n)
    cap *= 2;
  char *p = mem_realloc(&b->m, b->p, cap);
  if (!p) {
    b->oom = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

/* Start [b] empty, allocating through [m]. Afterwards b->p is always a
 * NUL-terminated string of b->len bytes (NULL only if even the first
 * allocation failed); on out of memory b->oom is set and the text stops
 * growing. Free with sb_free. */
void sb_init(sbuf *b, const mem *m) {
  b->m = m ? *m : mem_of(NULL, NULL);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = false;
  if (sb_reserve(b, 0))
    b->p[0] = '\0';
}

/* Free [b]'s text and leave it empty (ready for sb_init again; its mem
 * stays). */
void sb_free(sbuf *b) {
  mem_free(&b->m, b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = false;
}

void sb_reset(sbuf *b) {
  b->len = 0;
  b->oom = false;
  if (b->p)
    b->p[0] = '\0';
}

/* Append the C string [s]. */
void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* Append printf-style text (in the host's locale, as printf would). */
void sb_vprintf(sbuf *b, const char *fmt, va_list ap) {
  va_list again;
  if (!sb_reserve(b, 0))
    return;
  size_t room = b->cap - b->len;
  va_copy(again, ap);
  int n = vsnprintf(b->p + b->len, room, fmt, ap);
  if (n >= 0 && (size_t)n >= room && sb_reserve(b, (size_t)n))
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
  va_end(again);
  if (n >= 0 && !b->oom)
    b->len += (size_t)n;
  b->p[b->len] = '\0'; /* undo a truncated attempt */
}

/* Decimal digits without printf: reports write many small numbers. */
void sb_put_uint(sbuf *b, uint64_t x) {
  char buf[24], *p = buf + sizeof buf;
  do
    *--p = (char)('0' + x % 10);
  while ((x /= 10) != 0);
  sb_put(b, p, (size_t)(buf + sizeof buf - p));
}

void sb_put_int(sbuf *b, int64_t x) {
  if (x < 0) {
    sb_putc(b, '-');
    sb_put_uint(b, (uint64_t)0 - (uint64_t)x); /* INT64_MIN too */
    return;
  }
  sb_put_uint(b, (uint64_t)x);
}

void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

/* ==== doubles ============================================================ */

/* A decimal number d.ddd x 10^exp: n significant digits, no trailing
 * zeros (but for zero itself), sign apart. */
typedef struct decimal {
  char dig[24];
  int n, exp;
} decimal;

static void trim(decimal *x) {
  while (x->n > 1 && x->dig[x->n - 1] == '0')
    x->n--;
}

/* The decimal of printf's "%e" text, e.g. "-1.2345e+67". */
static void from_sci(const char *sci, decimal *x) {
  const char *p = sci + (*sci == '-');
  x->n = 0;
  for (; *p != 'e'; p++)
    if (*p != '.')
      x->dig[x->n++] = *p;
  x->exp = (int)strtol(p + 1, NULL, 10);
  trim(x);
}

/* Whether [x], given the sign of [d], reads back as exactly [d]. */
static bool reads_back(const decimal *x, double d) {
  char text[48], *t = text;
  if (signbit(d))
    *t++ = '-';
  memcpy(t, x->dig, (size_t)x->n); /* as an integer: "12345e-3" */
  t += x->n;
  int e = x->exp - (x->n - 1);
  *t++ = 'e';
  if (e < 0)
    *t++ = '-';
  e = abs(e); /* at most 340 */
  *t++ = (char)('0' + e / 100);
  *t++ = (char)('0' + e / 10 % 10);
  *t++ = (char)('0' + e % 10);
  *t = '\0';
  double back = strtod(text, NULL);
  return memcmp(&back, &d, sizeof d) == 0;
}

/* Add one unit in the last place of [y]'s digits (9.99 -> 10.0). */
static void round_up(decimal *y) {
  int i = y->n - 1;
  while (i >= 0 && y->dig[i] == '9')
    y->dig[i--] = '0';
  if (i >= 0) {
    y->dig[i]++;
    return;
  }
  y->dig[0] = '1';
  y->exp++;
}

/* [d] correctly rounded to [p] significant digits, into *[y], from
 * [full], its 17-digit rounding: rounding [full] again gives the same
 * digits, because a (p+1)-digit midpoint lying strictly between [d] and
 * [full] would be a 17-digit number nearer to [d] than [full] is. Only a
 * midpoint equal to [full] (the dropped digits are exactly 5000...) needs
 * [d]'s exact value, which printf has. */
static void round_to(double d, const decimal *full, int p, decimal *y) {
  *y = *full;
  if (p >= full->n)
    return;
  y->n = p;
  bool beyond = false; /* a nonzero digit after the first dropped one */
  for (int i = p + 1; i < full->n; i++)
    beyond |= full->dig[i] != '0';
  if (full->dig[p] == '5' && !beyond) {
    char sci[40];
    snprintf(sci, sizeof sci, "%.*e", p - 1, d);
    from_sci(sci, y);
    return;
  }
  if (full->dig[p] >= '5')
    round_up(y);
  trim(y);
}

static bool works(double d, const decimal *full, int p, decimal *y) {
  round_to(d, full, p, y);
  return reads_back(y, d);
}

/* The shortest correctly rounded decimal that reads back as [d] (the
 * first of 1, 2, ... 17 significant digits that does). For a normal
 * double, up to DBL_DIG (15) digits a decimal survives a trip through
 * it, so if p digits read back as [d], rounding [d] to any q digits
 * (p <= q <= 15) gives that same decimal padded with zeros: when 15
 * digits work they are the shortest, once round_to has trimmed their
 * trailing zeros (the shortest has none, or one digit fewer would do).
 * One strtod for most doubles, where a search over 1..15 took five. A
 * subnormal holds fewer digits (5e-324 is one bit), so for one the
 * search stays. Else 16, else 17, which always do. printf and strtod
 * run in the "C" locale. */
static void shortest(double d, decimal *best) {
  char sci[40];
  decimal full, y;
  locale_t old = uselocale(json_c_locale());
  snprintf(sci, sizeof sci, "%.16e", d);
  from_sci(sci, &full);
  *best = full;
  if (works(d, &full, 15, best)) {
    int lo = 1, hi = fabs(d) >= DBL_MIN ? 1 : 15; /* hi digits work */
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (works(d, &full, mid, &y)) {
        hi = mid;
        *best = y;
      } else {
        lo = mid + 1;
      }
    }
  } else if (!works(d, &full, 16, best)) {
    *best = full;
  }
  uselocale(old);
}

/* The fast path of shortest(): [d] when it is m / 10^k for an integer m
 * of at most 15 digits and k <= 15 (99.99, 0.5, 1500.0: most doubles in
 * a fact set). When the double division m / 10^k, m and 10^k both exact,
 * gives back |d|, strtod of "m e-k" does too (both round the same exact
 * quotient to nearest), so that decimal reads back as [d]; it has at most
 * 15 digits, and for a normal double a decimal of 15 digits or fewer
 * that reads back as it is exactly what shortest() finds (its comment).
 * False, and *[x] unset, when no k works. test_print.c compares the two
 * paths. */
static bool short_decimal(double d, decimal *x) {
  static const double ten[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,
                                 1e6, 1e7, 1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15};
  double a = fabs(d);
  if (!(a >= DBL_MIN) || a >= 1e15)
    return false;
  for (int k = 0; k < 16; k++) {
    double t = a * ten[k];
    if (t >= 1e15)
      return false;
    uint64_t m = (uint64_t)(t + 0.5); /* a candidate; the test decides */
    if ((double)m / ten[k] != a)
      continue;
    char buf[24], *p = buf + sizeof buf;
    int len = 0;
    for (; m; m /= 10, len++)
      *--p = (char)('0' + m % 10);
    memcpy(x->dig, p, (size_t)len);
    x->n = len;
    x->exp = len - 1 - k;
    trim(x);
    return true;
  }
  return false;
}

/* [k] digits [dig] times 10^[exp] (one digit before the point) written
 * without an exponent, always with a '.': "123.0", "1.5", "0.00012". */
static void print_positional(sbuf *b, const char *dig, size_t k, int exp) {
  if (exp < 0) {
    sb_puts(b, "0.");
    for (int i = -1; i > exp; i--)
      sb_putc(b, '0');
    sb_put(b, dig, k);
    return;
  }
  size_t whole = (size_t)exp + 1; /* digits before the point */
  if (k > whole) {
    sb_put(b, dig, whole);
    sb_putc(b, '.');
    sb_put(b, dig + whole, k - whole);
    return;
  }
  sb_put(b, dig, k);
  for (size_t i = k; i < whole; i++)
    sb_putc(b, '0');
  sb_puts(b, ".0");
}

/* The same with an exponent: "1e+100", "2.5e-7". */
static void print_scientific(sbuf *b, const char *dig, size_t k, int exp) {
  sb_putc(b, dig[0]);
  if (k > 1) {
    sb_putc(b, '.');
    sb_put(b, dig + 1, k - 1);
  }
  sb_printf(b, "e%c%d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

/* A double as CEL text that reads back as the same double: the shortest
 * digits, positional for exponents -4..15 and scientific otherwise (the
 * layout of Python's repr and the corpus's canonical form). */
static void print_double(sbuf *b, double d, bool fast) {
  if (isnan(d)) {
    sb_puts(b, "double(\"NaN\")");
    return;
  }
  if (isinf(d)) {
    sb_puts(b, d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")");
    return;
  }
  decimal x;
  if (!fast || !short_decimal(d, &x))
    shortest(d, &x);
  if (signbit(d))
    sb_putc(b, '-');
  if (x.exp < -4 || x.exp > 15)
    print_scientific(b, x.dig, (size_t)x.n, x.exp);
  else
    print_positional(b, x.dig, (size_t)x.n, x.exp);
}

void val_print_double_slow(sbuf *b, double d) { print_double(b, d, false); }

/* ==== strings and bytes ================================================== */

/* Non-ASCII code points printed as escapes rather than raw: C1 controls,
 * invisible format characters (soft hyphen, zero-width and bidirectional
 * controls, which can make text display in a misleading order), line and
 * paragraph separators, tags, private use and noncharacters. */
static bool hidden(uint32_t cp) {
  static const struct {
    uint32_t lo, hi;
  } ranges[] = {
      {0x80, 0x9F},       {0xAD, 0xAD},     {0x061C, 0x061C},
      {0x180E, 0x180E},   {0x200B, 0x200F}, {0x2028, 0x202E},
      {0x2060, 0x206F},   {0xE000, 0xF8FF}, {0xFDD0, 0xFDEF},
      {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB}, {0xE0000, 0xE007F},
      {0xF0000, 0x10FFFF},
  };
  if ((cp & 0xFFFE) == 0xFFFE) /* U+xxFFFE and U+xxFFFF */
    return true;
  for (size_t i = 0; i < POL_COUNTOF(ranges); i++)
    if (cp >= ranges[i].lo && cp <= ranges[i].hi)
      return true;
  return false;
}

static void print_escape(sbuf *b, uint32_t cp) {
  switch (cp) {
  case '"': sb_puts(b, "\\\""); break;
  case '\\': sb_puts(b, "\\\\"); break;
  case '\n': sb_puts(b, "\\n"); break;
  case '\r': sb_puts(b, "\\r"); break;
  case '\t': sb_puts(b, "\\t"); break;
  default:
    if (cp <= 0xFFFF)
      sb_printf(b, "\\u%04" PRIx32, cp);
    else
      sb_printf(b, "\\U%08" PRIx32, cp);
  }
}

/* [s]/[n] as a CEL string literal. Printable ASCII and visible non-ASCII
 * characters are copied in runs; the rest is escaped. A byte that is not
 * UTF-8 (which a string should never hold) prints as U+FFFD. */
static void print_string(sbuf *b, const char *s, size_t n) {
  size_t i = 0, run = 0;
  sb_putc(b, '"');
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      i++;
      continue;
    }
    size_t start = i;
    int32_t cp = c < 0x80 ? (int32_t)s[i++] : utf8_decode(s, n, &i);
    if (cp >= 0x80 && !hidden((uint32_t)cp))
      continue; /* stays in the run */
    if (cp < 0) {
      i = start + 1;
      cp = 0xFFFD;
    }
    sb_put(b, s + run, start - run);
    print_escape(b, (uint32_t)cp);
    run = i;
  }
  sb_put(b, s + run, n - run);
  sb_putc(b, '"');
}

/* [s]/[n] as a CEL bytes literal: printable ASCII as is, the rest \xHH. */
static void print_bytes(sbuf *b, const unsigned char *s, size_t n) {
  sb_puts(b, "b\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      sb_putc(b, '\\');
      sb_putc(b, (char)c);
    } else if (c >= 0x20 && c < 0x7F) {
      sb_putc(b, (char)c);
    } else {
      sb_printf(b, "\\x%02x", c);
    }
  }
  sb_putc(b, '"');
}

void val_print_text(sbuf *b, const char *s, size_t n, bool bytes) {
  if (bytes)
    print_bytes(b, (const unsigned char *)s, n);
  else
    print_string(b, s, n);
}

/* ==== composite values =================================================== */

static void print_list(sbuf *b, const list *l) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < l->n; i++) {
    if (i)
      sb_puts(b, ", ");
    val_print(b, l->items[i]);
  }
  sb_putc(b, ']');
}

static void print_map(sbuf *b, const map *m) {
  sb_putc(b, '{');
  for (uint32_t i = 0; i < m->n; i++) {
    if (i)
      sb_puts(b, ", ");
    val_print(b, m->keys[i]);
    sb_puts(b, ": ");
    val_print(b, m->vals[i]);
  }
  sb_putc(b, '}');
}

/* duration("1.5s") and timestamp("2009-02-13T23:31:30Z"). */
static void print_time(sbuf *b, val v) {
  char text[48];
  size_t n;
  if (v.kind == V_DURATION) {
    n = tm_format_duration(text, v.as.i, v.aux);
    sb_puts(b, "duration(");
  } else {
    n = tm_format_timestamp(text, v.as.i, v.aux);
    sb_puts(b, "timestamp(");
  }
  print_string(b, text, n);
  sb_putc(b, ')');
}

static void print_optional(sbuf *b, const val *inner) {
  if (!inner) {
    sb_puts(b, "optional.none()");
    return;
  }
  sb_puts(b, "optional.of(");
  val_print(b, *inner);
  sb_putc(b, ')');
}

static void print_error(sbuf *b, const err *e) {
  sb_puts(b, "error(");
  print_string(b, e->msg, strlen(e->msg));
  sb_putc(b, ')');
}

/* Append [v] as CEL literal text (see value.h); never fails, but sets
 * b->oom when memory runs out. */
void val_print(sbuf *b, val v) {
  switch (v.kind) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.as.b ? "true" : "false"); break;
  case V_INT: sb_put_int(b, v.as.i); break;
  case V_UINT: sb_put_uint(b, v.as.u); sb_putc(b, 'u'); break;
  case V_DOUBLE: print_double(b, v.as.d, true); break;
  case V_STRING: print_string(b, v.as.s->data, v.as.s->len); break;
  case V_BYTES:
    print_bytes(b, (const unsigned char *)v.as.s->data, v.as.s->len);
    break;
  case V_LIST: print_list(b, v.as.l); break;
  case V_MAP: print_map(b, v.as.m); break;
  case V_DURATION:
  case V_TIMESTAMP: print_time(b, v); break;
  case V_TYPE: sb_puts(b, val_type_name(v.aux)); break;
  case V_OPTIONAL: print_optional(b, v.as.opt); break;
  case V_ERROR: print_error(b, v.as.e); break;
  default: sb_printf(b, "error(\"invalid value of kind %d\")", v.kind); break;
  }
}
