/*
 * value.c: the oracle's values, with CEL's equality and ordering written
 * from docs/language.md ("Equality", "Ordering", "Membership"): numbers
 * compare by value across int, uint and double (an integer meeting a
 * double is converted to double first; int against uint is exact), NaN
 * equals nothing and orders with nothing, strings order by bytes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

/* ==== pool ================================================================ */

struct pool_chunk {
  pool_chunk *next;
  max_align_t data[];
};

void *pool_alloc(pool *p, size_t n) {
  pool_chunk *c = calloc(1, sizeof *c + (n ? n : 1));
  if (!c) {
    fputs("oracle: out of memory\n", stderr);
    exit(2);
  }
  c->next = p->head;
  p->head = c;
  return c->data;
}

void pool_clear(pool *p) {
  while (p->head) {
    pool_chunk *next = p->head->next;
    free(p->head);
    p->head = next;
  }
}

/* ==== constructors ======================================================== */

ov ov_null(void) { return (ov){.k = K_NULL}; }
ov ov_bool(bool b) { return (ov){.k = K_BOOL, .as.b = b}; }
ov ov_int(int64_t i) { return (ov){.k = K_INT, .as.i = i}; }
ov ov_uint(uint64_t u) { return (ov){.k = K_UINT, .as.u = u}; }
ov ov_double(double d) { return (ov){.k = K_DOUBLE, .as.d = d}; }
ov ov_err(oerr e) { return (ov){.k = K_ERROR, .as.e = e}; }

ov ov_string(pool *p, const char *s, size_t n) {
  char *copy = pool_alloc(p, n + 1);
  memcpy(copy, s, n);
  return (ov){.k = K_STRING, .as.s = {copy, n}};
}

const char *ov_kind_name(okind k) {
  static const char *const names[K_COUNT] = {
      "null", "bool", "int", "uint", "double", "string", "list", "map",
      "error"};
  return k < K_COUNT ? names[k] : "?";
}

const char *ov_err_name(oerr e) {
  static const char *const names[E_COUNT] = {
      "absent", "no overload", "overflow", "division by zero",
      "modulus by zero", "index out of range", "field selection",
      "iteration", "repeated key", "key type", "other"};
  return e < E_COUNT ? names[e] : "?";
}

/* ==== numbers ============================================================= */

static bool is_number(okind k) {
  return k == K_INT || k == K_UINT || k == K_DOUBLE;
}

static int sign_cmp(bool lt, bool gt) { return lt ? -1 : gt ? 1 : 0; }

/* int against uint, exactly. */
static int cmp_int_uint(int64_t i, uint64_t u) {
  if (i < 0)
    return -1;
  return sign_cmp((uint64_t)i < u, (uint64_t)i > u);
}

static double as_double(ov v) {
  return v.k == K_INT ? (double)v.as.i
         : v.k == K_UINT ? (double)v.as.u
                         : v.as.d;
}

/* Two numbers: -1/0/1, or 2 when a NaN is involved. */
static int cmp_numbers(ov a, ov b) {
  if (a.k == K_INT && b.k == K_INT)
    return sign_cmp(a.as.i < b.as.i, a.as.i > b.as.i);
  if (a.k == K_UINT && b.k == K_UINT)
    return sign_cmp(a.as.u < b.as.u, a.as.u > b.as.u);
  if (a.k == K_INT && b.k == K_UINT)
    return cmp_int_uint(a.as.i, b.as.u);
  if (a.k == K_UINT && b.k == K_INT)
    return -cmp_int_uint(b.as.i, a.as.u);
  double x = as_double(a), y = as_double(b);
  if (isnan(x) || isnan(y))
    return 2;
  return sign_cmp(x < y, x > y);
}

static int cmp_bytes(ov a, ov b) {
  size_t n = a.as.s.n < b.as.s.n ? a.as.s.n : b.as.s.n;
  int c = memcmp(a.as.s.p, b.as.s.p, n);
  if (c)
    return c < 0 ? -1 : 1;
  return sign_cmp(a.as.s.n < b.as.s.n, a.as.s.n > b.as.s.n);
}

/* ==== equality and ordering ============================================== */

static bool lists_equal(ov a, ov b) {
  if (a.as.l.n != b.as.l.n)
    return false;
  for (size_t i = 0; i < a.as.l.n; i++)
    if (!ov_equal(a.as.l.items[i], b.as.l.items[i]))
      return false;
  return true;
}

static bool maps_equal(ov a, ov b) {
  if (a.as.m.n != b.as.m.n)
    return false;
  for (size_t i = 0; i < a.as.m.n; i++) {
    const ov *v = ov_map_get(b, a.as.m.keys[i]);
    if (!v || !ov_equal(a.as.m.vals[i], *v))
      return false;
  }
  return true;
}

bool ov_equal(ov a, ov b) {
  if (is_number(a.k) && is_number(b.k))
    return cmp_numbers(a, b) == 0;
  if (a.k != b.k)
    return false;
  switch (a.k) {
  case K_NULL: return true;
  case K_BOOL: return a.as.b == b.as.b;
  case K_STRING: return cmp_bytes(a, b) == 0;
  case K_LIST: return lists_equal(a, b);
  case K_MAP: return maps_equal(a, b);
  default: return false;
  }
}

bool ov_order(ov a, ov b, int *cmp) {
  if (is_number(a.k) && is_number(b.k)) {
    *cmp = cmp_numbers(a, b);
    return true;
  }
  if (a.k != b.k)
    return false;
  if (a.k == K_STRING)
    *cmp = cmp_bytes(a, b);
  else if (a.k == K_BOOL)
    *cmp = sign_cmp(!a.as.b && b.as.b, a.as.b && !b.as.b);
  else
    return false;
  return true;
}

/* Whether the double [d] is exactly the int or uint [k] (a double
 * beyond both ranges, or with a fraction, is no integer at all). */
static bool double_is(double d, ov k) {
  if (d != trunc(d))
    return false;
  if (k.k == K_INT)
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
           (int64_t)d == k.as.i;
  return d >= 0 && d < 18446744073709551616.0 && (uint64_t)d == k.as.u;
}

/* Whether [key] finds the map key [k] (a bool, int, uint or string):
 * the same string or bool, the same integer whether int or uint, or a
 * double with exactly that integral value. Unlike ==, no rounding: a
 * key is found by its exact value. */
static bool key_matches(ov k, ov key) {
  if (key.k == K_DOUBLE && (k.k == K_INT || k.k == K_UINT))
    return double_is(key.as.d, k);
  if ((k.k == K_INT || k.k == K_UINT) && (key.k == K_INT || key.k == K_UINT))
    return cmp_numbers(k, key) == 0;
  if (k.k != key.k)
    return false;
  if (k.k == K_STRING)
    return cmp_bytes(k, key) == 0;
  return k.k == K_BOOL && k.as.b == key.as.b;
}

const ov *ov_map_get(ov m, ov key) {
  for (size_t i = 0; i < m.as.m.n; i++)
    if (key_matches(m.as.m.keys[i], key))
      return &m.as.m.vals[i];
  return NULL;
}

size_t ov_utf8_len(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    count += ((unsigned char)s[i] & 0xc0) != 0x80;
  return count;
}

/* ==== text ================================================================ */

void buf_printf(char **buf, size_t *len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = realloc(*buf, *len + (size_t)n + 1);
  if (!p) {
    fputs("oracle: out of memory\n", stderr);
    exit(2);
  }
  va_start(ap, fmt);
  vsnprintf(p + *len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  *buf = p;
  *len += (size_t)n;
}

/* A JSON (and CEL) string literal: quotes and backslashes escaped,
 * control characters as \u escapes, everything else as it is. */
static void json_string(char **buf, size_t *len, const char *s, size_t n) {
  buf_printf(buf, len, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      buf_printf(buf, len, "\\%c", c);
    else if (c < 0x20)
      buf_printf(buf, len, "\\u%04x", c);
    else
      buf_printf(buf, len, "%c", c);
  }
  buf_printf(buf, len, "\"");
}

/* The shortest %.*g text that reads back as [d], with a '.' or an
 * exponent so that it reads back as a double. */
static void json_double(char **buf, size_t *len, double d) {
  char t[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(t, sizeof t, "%.*g", prec, d);
    if (strtod(t, NULL) == d)
      break;
  }
  buf_printf(buf, len, "%s%s", t, strpbrk(t, ".e") ? "" : ".0");
}

void ov_json(char **buf, size_t *len, ov v) {
  switch (v.k) {
  case K_NULL: buf_printf(buf, len, "null"); break;
  case K_BOOL: buf_printf(buf, len, v.as.b ? "true" : "false"); break;
  case K_INT: buf_printf(buf, len, "%lld", (long long)v.as.i); break;
  case K_UINT: buf_printf(buf, len, "%llu", (unsigned long long)v.as.u); break;
  case K_DOUBLE: json_double(buf, len, v.as.d); break;
  case K_STRING: json_string(buf, len, v.as.s.p, v.as.s.n); break;
  case K_LIST:
    buf_printf(buf, len, "[");
    for (size_t i = 0; i < v.as.l.n; i++) {
      buf_printf(buf, len, i ? ", " : "");
      ov_json(buf, len, v.as.l.items[i]);
    }
    buf_printf(buf, len, "]");
    break;
  case K_MAP:
    buf_printf(buf, len, "{");
    for (size_t i = 0; i < v.as.m.n; i++) {
      buf_printf(buf, len, i ? ", " : "");
      ov_json(buf, len, v.as.m.keys[i]);
      buf_printf(buf, len, ": ");
      ov_json(buf, len, v.as.m.vals[i]);
    }
    buf_printf(buf, len, "}");
    break;
  default: buf_printf(buf, len, "error(\"%s\")", ov_err_name(v.as.e));
  }
}
