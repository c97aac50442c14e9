/*
 * builtins.c: the function registry's lookup (bi_lookup over the four
 * tables) and bi_core[], CEL's standard functions: size, the string
 * predicates contains / startsWith / endsWith / matches, and the type
 * conversions int, uint, double, string, bytes, bool, dyn and type.
 *
 * Conversions follow cel-spec and cel-go: int(double) and uint(double)
 * truncate toward zero and fail outside (-2^63, 2^63) and [0, 2^64) (so
 * int(-9223372036854775808.0) and uint(-0.5) are errors); strings convert
 * to numbers only in strict decimal form, as Go's ParseInt/ParseUint/
 * ParseFloat read it (a sign for int and double but not uint; no spaces,
 * underscores or hex), to bool only from the ten spellings CEL lists;
 * out-of-range results are ERR_OVERFLOW, malformed text ERR_INVALID, a
 * kind a function does not take ERR_OVERLOAD. string(double)
 * prints the shortest text that reads back the same, in Go's %g layout
 * (1e+06, 123.456, 1e-05; NaN, +Inf, -Inf). Doubles are parsed and
 * printed in the "C" locale (json_c_locale), whatever the host set.
 */
/* for memmem (below), which POSIX.1-2008 lacks */
#define _GNU_SOURCE
#include "builtins.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cost.h"
#include "json.h"
#include "regex.h"
#include "suggest.h"
#include "time.h"

/* ==== lookup ============================================================ */

static const builtin *find_in(const builtin *t, const char *name, int style,
                              int n, bool *found) {
  for (; t->name; t++) {
    /* the first letters first: most names asked for are no builtin's
     * (residuals ask for every call's dotted receiver, acme.score) */
    if (t->name[0] != name[0] || strcmp(t->name, name) != 0 ||
        !(t->style & style))
      continue;
    *found = true;
    if (n >= t->min && (t->max < 0 || n <= t->max))
      return t;
  }
  return NULL;
}

/* The first entry of bi_core, bi_time, bi_ext (in that order) named
 * [name], callable with [style] and [n] arguments, or NULL; *[name_found]
 * (may be NULL) says whether [name] exists for [style] at any arity. The
 * entries are static: never freed, safe to share between threads. */
const builtin *bi_lookup(const char *name, int style, int n,
                         bool *name_found) {
  const builtin *const tables[] = {bi_core, bi_time, bi_ext, bi_opt};
  bool found = false;
  const builtin *b = NULL;
  for (size_t i = 0; i < POL_COUNTOF(tables) && !b; i++)
    b = find_in(tables[i], name, style, n, &found);
  if (name_found)
    *name_found = found;
  return b;
}

bool bi_arity(const char *name, int style, int *min, int *max,
              const char **doc) {
  const builtin *const tables[] = {bi_core, bi_time, bi_ext, bi_opt};
  bool found = false;
  for (size_t i = 0; i < POL_COUNTOF(tables); i++)
    for (const builtin *t = tables[i]; t->name; t++) {
      if (strcmp(t->name, name) != 0 || !(t->style & style))
        continue;
      if (!found) {
        *min = t->min;
        *max = t->max;
        *doc = t->doc;
      }
      *min = t->min < *min ? t->min : *min;
      *max = t->max < 0 || *max < 0 ? -1 : t->max > *max ? t->max : *max;
      found = true;
    }
  return found;
}

void bi_offer(suggest *s, int style) {
  static const char *const macros[] = {"all", "exists", "exists_one",
                                       "map", "filter"};
  const builtin *const tables[] = {bi_core, bi_time, bi_ext, bi_opt};
  for (size_t i = 0; i < POL_COUNTOF(tables); i++)
    for (const builtin *t = tables[i]; t->name; t++)
      if (t->style & style)
        suggest_offer(s, t->name);
  for (size_t i = 0; style == BI_RECEIVER && i < POL_COUNTOF(macros); i++)
    suggest_offer(s, macros[i]);
}

/* Names that people bring from spreadsheets, SQL, Python and
 * JavaScript, and the CEL function each one means: too far from it for
 * the edit distance to find. */
const char *bi_alias(const char *name) {
  static const struct {
    const char *from, *to;
  } aliases[] = {
      {"len", "size"},          {"length", "size"},
      {"count", "size"},        {"includes", "contains"},
      {"has_substring", "contains"}, {"lower", "lowerAscii"},
      {"toLowerCase", "lowerAscii"}, {"upper", "upperAscii"},
      {"toUpperCase", "upperAscii"}, {"strip", "trim"},
      {"match", "matches"},     {"regex", "matches"},
      {"test", "matches"},      {"any", "exists"},
      {"some", "exists"},       {"every", "all"},
      {"forall", "all"},        {"str", "string"},
      {"float", "double"},      {"integer", "int"},
      {"boolean", "bool"},      {"max", "math.greatest"},
      {"min", "math.least"},    {"abs", "math.abs"},
      {"round", "math.round"},  {"floor", "math.floor"},
      {"ceil", "math.ceil"},    {"not", "!"},
  };
  for (size_t i = 0; i < POL_COUNTOF(aliases); i++) /* SQL: NOT, LEN */
    if (strcasecmp(aliases[i].from, name) == 0)
      return aliases[i].to;
  return NULL;
}

/* ==== helpers ========================================================== */

/* How many bytes of [s] to quote in a message: at most [max], cut on a
 * code point boundary. */
static int clip(const str *s, size_t max) {
  if (s->len <= max)
    return (int)s->len;
  while (max > 0 && ((unsigned char)s->data[max] & 0xc0) == 0x80)
    max--;
  return (int)max;
}

static val bad_text(arena *a, const str *s, const char *to) {
  return val_err(a, ERR_INVALID, "cannot convert '%.*s' to %s",
                 clip(s, 40), s->data, to);
}

static val out_of_range(arena *a, const char *what, const char *to) {
  return val_err(a, ERR_OVERFLOW, "range error: %s does not fit in %s",
                 what, to);
}

enum { SHORT_TEXT = 64 }; /* below this, n * m is small anyway */

/* memmem: glibc's and musl's are linear in the worst case (two-way),
 * where the obvious memchr + memcmp loop takes n * m steps ("aaa...ab"
 * in a megabyte of "a"), which no budget charged by size would cover. */
const char *bi_find(const char *s, size_t n, const char *t, size_t tn) {
  if (tn == 0)
    return s;
  if (n > SHORT_TEXT) /* memmem's set-up costs more on short text */
    return memmem(s, n, t, tn);
  for (const char *end = s + n; (size_t)(end - s) >= tn; s++) {
    s = memchr(s, t[0], (size_t)(end - s) - tn + 1);
    if (!s || memcmp(s, t, tn) == 0)
      return s;
  }
  return NULL;
}

/* The last occurrence is the first one in both texts reversed: memmem
 * again, on reversed copies (malloc'd scratch, not the arena, so that
 * repeated calls do not use up the memory limit). */
int bi_find_last(const char *s, size_t n, const char *t, size_t tn,
                 size_t *at) {
  if (tn > n)
    return 0;
  char *rs = malloc(n + tn + 1), *rt = rs + n;
  if (!rs)
    return -1;
  for (size_t i = 0; i < n; i++)
    rs[i] = s[n - 1 - i];
  for (size_t i = 0; i < tn; i++)
    rt[i] = t[tn - 1 - i];
  const char *hit = bi_find(rs, n, rt, tn);
  if (hit)
    *at = n - (size_t)(hit - rs) - tn;
  free(rs);
  return hit != NULL;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* ==== size and string predicates ======================================= */

static val f_size(arena *a, const val *args, int n);

bool bi_counts(const builtin *b) { return b->fn == f_size; }

static val f_size(arena *a, const val *args, int n) {
  val v = args[0];
  switch (v.kind) {
  case V_STRING: return val_int((int64_t)utf8_count(v.as.s->data,
                                                     v.as.s->len));
  case V_BYTES: return val_int(v.as.s->len);
  case V_LIST: return val_int(v.as.l->n);
  case V_MAP: return val_int(v.as.m->n);
  default: return val_no_overload(a, "size", args, n);
  }
}

static bool two_strings(const val *args) {
  return args[0].kind == V_STRING && args[1].kind == V_STRING;
}

/* Byte search is code point search: UTF-8 is self-synchronising. */
static val f_contains(arena *a, const val *args, int n) {
  if (!two_strings(args))
    return val_no_overload(a, "contains", args, n);
  const str *s = args[0].as.s, *t = args[1].as.s;
  return val_bool(t->len == 0 || bi_find(s->data, s->len, t->data, t->len));
}

static val f_starts_with(arena *a, const val *args, int n) {
  if (!two_strings(args))
    return val_no_overload(a, "startsWith", args, n);
  const str *s = args[0].as.s, *t = args[1].as.s;
  return val_bool(t->len <= s->len && memcmp(s->data, t->data, t->len) == 0);
}

static val f_ends_with(arena *a, const val *args, int n) {
  if (!two_strings(args))
    return val_no_overload(a, "endsWith", args, n);
  const str *s = args[0].as.s, *t = args[1].as.s;
  return val_bool(t->len <= s->len &&
                  memcmp(s->data + s->len - t->len, t->data, t->len) == 0);
}

static val f_matches(arena *a, const val *args, int n) {
  if (!two_strings(args))
    return val_no_overload(a, "matches", args, n);
  const str *s = args[0].as.s, *re = args[1].as.s;
  val ev;
  int rc = rx_match(a, re->data, re->len, s->data, s->len, &ev);
  return rc < 0 ? ev : val_bool(rc == 1);
}

/* ==== text to numbers ================================================== */

/* Strict decimal digits into a magnitude; false if empty, not all digits,
 * or above [max] (then *range is set). */
static bool parse_digits(const char *p, size_t n, uint64_t max, uint64_t *out,
                         bool *range) {
  uint64_t v = 0;
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!is_digit(p[i]))
      return *range = false;
    unsigned d = (unsigned)(p[i] - '0');
    if (v > (max - d) / 10)
      *range = true;
    else
      v = v * 10 + d;
  }
  *out = v;
  return !*range;
}

static val int_from_str(arena *a, const str *s) {
  const char *p = s->data;
  size_t n = s->len;
  bool neg = n > 0 && p[0] == '-', range = false;
  if (n > 0 && (p[0] == '-' || p[0] == '+')) {
    p++;
    n--;
  }
  uint64_t max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, m;
  if (!parse_digits(p, n, max, &m, &range))
    return range ? val_err(a, ERR_OVERFLOW, "range error: '%.*s' does not "
                           "fit in int", clip(s, 40), s->data)
                 : bad_text(a, s, "int");
  return val_int(neg ? (int64_t)(0 - m) : (int64_t)m);
}

static val uint_from_str(arena *a, const str *s) {
  bool range = false;
  uint64_t m;
  if (!parse_digits(s->data, s->len, UINT64_MAX, &m, &range))
    return range ? val_err(a, ERR_OVERFLOW, "range error: '%.*s' does not "
                           "fit in uint", clip(s, 40), s->data)
                 : bad_text(a, s, "uint");
  return val_uint(m);
}

/* Case-insensitive equality with a lower-case ASCII word. */
static bool word_is(const char *p, size_t n, const char *w) {
  size_t k = strlen(w);
  if (n != k)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((p[i] | 0x20) != w[i])
      return false;
  return true;
}

/* [+-]? digits [. digits] [e [+-] digits], at least one mantissa digit. */
static bool decimal_syntax(const char *p, size_t n) {
  size_t i = 0, digits = 0;
  if (i < n && (p[i] == '+' || p[i] == '-'))
    i++;
  for (; i < n && is_digit(p[i]); i++)
    digits++;
  if (i < n && p[i] == '.')
    for (i++; i < n && is_digit(p[i]); i++)
      digits++;
  if (digits == 0)
    return false;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-'))
      i++;
    if (i >= n || !is_digit(p[i]))
      return false;
    while (i < n && is_digit(p[i]))
      i++;
  }
  return i == n;
}

/* double(): decimal text, or NaN / [+-]Inf / [+-]Infinity in any case,
 * as Go's ParseFloat reads them. Overflow to infinity is an error. */
static val double_from_str(arena *a, const str *s) {
  const char *p = s->data, *w = p;
  size_t n = s->len, k = n;
  if (k > 0 && (w[0] == '+' || w[0] == '-')) {
    w++;
    k--;
  }
  if (word_is(w, k, "inf") || word_is(w, k, "infinity"))
    return val_double(p[0] == '-' ? -INFINITY : INFINITY);
  if (word_is(p, n, "nan"))
    return val_double(NAN);
  if (!decimal_syntax(p, n))
    return bad_text(a, s, "double");
  locale_t old = uselocale(json_c_locale());
  double d = strtod(p, NULL); /* data is NUL-terminated, syntax checked */
  uselocale(old);
  if (isinf(d))
    return val_err(a, ERR_OVERFLOW, "range error: '%.*s' does not fit in "
                   "double", clip(s, 40), s->data);
  return val_double(d);
}

/* ==== shortest doubles ================================================= */

/* [d] (finite) in "%.*e" form with the fewest significant digits that
 * read back exactly; returns its decimal exponent. [buf] >= 32 bytes. */
static int shortest_e(char *buf, size_t size, double d) {
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, size, "%.*e", p - 1, d);
    if (strtod(buf, NULL) == d)
      break;
  }
  return atoi(strchr(buf, 'e') + 1);
}

/* Go's %g with the shortest precision: exponent form when the exponent
 * is below -4 or at least 6. Finite [d] only, in the "C" locale. */
static size_t format_finite(char *buf, size_t size, double d) {
  int exp = shortest_e(buf, size, d);
  if (exp < -4 || exp >= 6)
    return strlen(buf);
  const char *e = strchr(buf, 'e'), *dot = strchr(buf, '.');
  int digits = dot && dot < e ? (int)(e - dot) - 1 : 0; /* after the '.' */
  int frac = digits - exp > 0 ? digits - exp : 0;
  return (size_t)snprintf(buf, size, "%.*f", frac, d);
}

static size_t format_double(char *buf, size_t size, double d) {
  if (isnan(d))
    return (size_t)snprintf(buf, size, "NaN");
  if (isinf(d))
    return (size_t)snprintf(buf, size, d > 0 ? "+Inf" : "-Inf");
  locale_t old = uselocale(json_c_locale());
  size_t n = format_finite(buf, size, d);
  uselocale(old);
  return n;
}

/* ==== numeric conversions ============================================== */

static val f_int(arena *a, const val *args, int n) {
  val v = args[0];
  char buf[48];
  switch (v.kind) {
  case V_INT: return v;
  case V_UINT:
    if (v.as.u <= INT64_MAX)
      return val_int((int64_t)v.as.u);
    snprintf(buf, sizeof buf, "%" PRIu64 "u", v.as.u);
    return out_of_range(a, buf, "int");
  case V_DOUBLE:
    if (v.as.d > -9223372036854775808.0 && v.as.d < 9223372036854775808.0)
      return val_int((int64_t)v.as.d);
    format_double(buf, sizeof buf, v.as.d);
    return out_of_range(a, buf, "int");
  case V_STRING: return int_from_str(a, v.as.s);
  case V_TIMESTAMP: return val_int(v.as.i);
  default: return val_no_overload(a, "int", args, n);
  }
}

static val f_uint(arena *a, const val *args, int n) {
  val v = args[0];
  char buf[48];
  switch (v.kind) {
  case V_UINT: return v;
  case V_INT:
    if (v.as.i >= 0)
      return val_uint((uint64_t)v.as.i);
    snprintf(buf, sizeof buf, "%" PRId64, v.as.i);
    return out_of_range(a, buf, "uint");
  case V_DOUBLE:
    if (v.as.d >= 0.0 && v.as.d < 18446744073709551616.0)
      return val_uint((uint64_t)v.as.d);
    format_double(buf, sizeof buf, v.as.d);
    return out_of_range(a, buf, "uint");
  case V_STRING: return uint_from_str(a, v.as.s);
  default: return val_no_overload(a, "uint", args, n);
  }
}

static val f_double(arena *a, const val *args, int n) {
  val v = args[0];
  switch (v.kind) {
  case V_DOUBLE: return v;
  case V_INT: return val_double((double)v.as.i);
  case V_UINT: return val_double((double)v.as.u);
  case V_STRING: return double_from_str(a, v.as.s);
  default: return val_no_overload(a, "double", args, n);
  }
}

/* ==== string() ========================================================= */

static val string_from_bytes(arena *a, const str *b) {
  if (!utf8_valid(b->data, b->len))
    return val_err(a, ERR_INVALID, "invalid UTF-8 in bytes, cannot convert "
                   "to string");
  return val_string(a, b->data, b->len);
}

static val f_string(arena *a, const val *args, int n) {
  val v = args[0];
  char buf[64];
  size_t len;
  switch (v.kind) {
  case V_STRING: return v;
  case V_BYTES: return string_from_bytes(a, v.as.s);
  case V_BOOL: return val_cstring(a, v.as.b ? "true" : "false");
  case V_INT: len = (size_t)snprintf(buf, sizeof buf, "%" PRId64, v.as.i);
    break;
  case V_UINT: len = (size_t)snprintf(buf, sizeof buf, "%" PRIu64, v.as.u);
    break;
  case V_DOUBLE: len = format_double(buf, sizeof buf, v.as.d); break;
  case V_TIMESTAMP: len = tm_format_timestamp(buf, v.as.i, v.aux); break;
  case V_DURATION: len = tm_format_duration(buf, v.as.i, v.aux); break;
  default: return val_no_overload(a, "string", args, n);
  }
  return val_string(a, buf, len);
}

/* ==== bytes, bool, dyn, type =========================================== */

static val f_bytes(arena *a, const val *args, int n) {
  val v = args[0];
  if (v.kind == V_BYTES)
    return v;
  if (v.kind == V_STRING)
    return val_bytes(a, v.as.s->data, v.as.s->len);
  return val_no_overload(a, "bytes", args, n);
}

static val bool_from_str(arena *a, const str *s) {
  static const char *const yes[] = {"1", "t", "true", "TRUE", "True"};
  static const char *const no[] = {"0", "f", "false", "FALSE", "False"};
  for (size_t i = 0; i < POL_COUNTOF(yes); i++) {
    if (strlen(yes[i]) == s->len && memcmp(yes[i], s->data, s->len) == 0)
      return val_bool(true);
    if (strlen(no[i]) == s->len && memcmp(no[i], s->data, s->len) == 0)
      return val_bool(false);
  }
  return bad_text(a, s, "bool");
}

static val f_bool(arena *a, const val *args, int n) {
  if (args[0].kind == V_BOOL)
    return args[0];
  if (args[0].kind == V_STRING)
    return bool_from_str(a, args[0].as.s);
  return val_no_overload(a, "bool", args, n);
}

static val f_dyn(arena *a, const val *args, int n) {
  POL_UNUSED(a);
  POL_UNUSED(n);
  return args[0];
}

/* The type of a type value is `type`: T_TYPE == V_TYPE, so the kind is
 * the answer for every value. */
static val f_type(arena *a, const val *args, int n) {
  POL_UNUSED(a);
  POL_UNUSED(n);
  return val_type(args[0].kind);
}

/* ==== the table ======================================================== */

#define G BI_GLOBAL
#define R BI_RECEIVER

const builtin bi_core[] = {
    {"size", G | R | BI_COST_TEXT, 1, 1, f_size,
     "size(string|bytes|list|map) -> int: code points, bytes, items, "
     "entries"},
    {"contains", R, 2, 2, f_contains,
     "string.contains(string) -> bool: the argument occurs in the string"},
    {"startsWith", R, 2, 2, f_starts_with,
     "string.startsWith(string) -> bool: the string begins with the "
     "argument"},
    {"endsWith", R, 2, 2, f_ends_with,
     "string.endsWith(string) -> bool: the string ends with the argument"},
    {"matches", G | R, 2, 2, f_matches,
     "matches(string, string) / string.matches(string) -> bool: the RE2 "
     "pattern matches some substring"},
    {"int", G, 1, 1, f_int,
     "int(int|uint|double|string|timestamp) -> int: convert (double "
     "truncates; range errors; timestamp gives Unix seconds)"},
    {"uint", G, 1, 1, f_uint,
     "uint(uint|int|double|string) -> uint: convert (double truncates; "
     "range errors)"},
    {"double", G, 1, 1, f_double,
     "double(double|int|uint|string) -> double: convert (\"1e3\", \"NaN\", "
     "\"Infinity\" accepted)"},
    {"string", G, 1, 1, f_string,
     "string(string|bytes|bool|int|uint|double|timestamp|duration) -> "
     "string: convert (bytes must be valid UTF-8)"},
    {"bytes", G, 1, 1, f_bytes,
     "bytes(bytes|string) -> bytes: the UTF-8 encoding of a string"},
    {"bool", G, 1, 1, f_bool,
     "bool(bool|string) -> bool: from 1 t true TRUE True 0 f false FALSE "
     "False"},
    {"dyn", G | BI_COST_NONE, 1, 1, f_dyn,
     "dyn(any) -> dyn: the value itself, typed dyn for the checker"},
    {"type", G | BI_COST_NONE, 1, 1, f_type,
     "type(any) -> type: the value's type (the type of a type is type)"},
    {NULL, 0, 0, 0, NULL, NULL},
};
