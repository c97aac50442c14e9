/*
 * bi_ext.c: bi_ext[], CEL's extension libraries as cel-go's `ext` package
 * defines them: strings (charAt, indexOf, lastIndexOf, lowerAscii,
 * upperAscii, replace, split, substring, trim, join, reverse, format,
 * strings.quote), math (math.greatest/least, rounding, abs, sign, the
 * NaN/Inf tests, the bit operations) and encoders (base64.encode/decode).
 * Dotted names are plain global functions; the compiler maps
 * `math.greatest(...)` to them.
 *
 * Indexes and lengths count code points, never bytes. Where cel-go and the
 * cel-spec conformance suite disagree the suite wins: an indexOf or
 * lastIndexOf start past the end of the string is an error, not -1.
 * format() follows cel-spec's strings.md (cel-go's version 4+), with the
 * precision capped at FMT_MAX_PRECISION and invalid UTF-8 in bytes shown
 * as U+FFFD; doubles print in the "C" locale whatever the host set.
 * Results are allocated in the caller's arena; scratch text is
 * built in an sbuf (heap) and copied once at the end.
 */
#include "builtins.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "json.h"
#include "time.h"

enum { FMT_MAX_PRECISION = 100 };

/* ==== shared helpers =================================================== */

/* Do args[0..n) have the kinds spelled by [sig] (s string, i int, l list,
 * b bytes)? A signature shorter than n fails. */
static bool kinds(const val *args, int n, const char *sig) {
  static const char codes[] = "silb";
  static const uint8_t kind[] = {V_STRING, V_INT, V_LIST, V_BYTES};
  if ((size_t)n > strlen(sig))
    return false;
  for (int k = 0; k < n; k++)
    if (args[k].kind != kind[strchr(codes, sig[k]) - codes])
      return false;
  return true;
}

static bool is_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

/* Byte offset just past the code point starting at [i]. */
static size_t next_cp(const str *s, size_t i) {
  if (i < s->len)
    i++;
  while (i < s->len && is_cont(s->data[i]))
    i++;
  return i;
}

/* Byte offset of code point [cp] (the length for cp == count); -1 when
 * cp is negative or past the end. */
static int64_t cp_to_byte(const str *s, int64_t cp) {
  size_t i = 0;
  if (cp < 0)
    return -1;
  for (; cp > 0 && i < s->len; cp--)
    i = next_cp(s, i);
  return cp == 0 ? (int64_t)i : -1;
}

static int64_t cp_count(const str *s) {
  return (int64_t)utf8_count(s->data, s->len);
}

static val index_error(arena *a, int64_t i) {
  return val_err(a, ERR_INDEX, "index out of range: %" PRId64, i);
}

/* The text of [b] as a string value; frees [b]. */
static val sb_result(arena *a, sbuf *b) {
  val v = b->oom ? val_nomem() : val_string(a, b->p, b->len);
  sb_free(b);
  return v;
}

/* An uninitialised string of [n] bytes, or NULL (too long / no memory). */
static str *new_str(arena *a, size_t n) {
  return n > UINT32_MAX - 1 ? NULL : str_alloc(a, n);
}

static val seal(str *s) {
  str_seal(s);
  return val_from_str(V_STRING, s);
}

/* [v] unless one of its items failed to allocate. */
static val list_checked(val v) {
  for (uint32_t i = 0; i < v.as.l->n; i++)
    if (v.as.l->items[i].kind == V_ERROR)
      return v.as.l->items[i];
  return v;
}

/* ==== charAt, indexOf, lastIndexOf, substring ========================== */

static val f_char_at(arena *a, const val *args, int n) {
  if (!kinds(args, n, "si"))
    return val_no_overload(a, "charAt", args, n);
  const str *s = args[0].as.s;
  int64_t b = cp_to_byte(s, args[1].as.i);
  if (b < 0)
    return index_error(a, args[1].as.i);
  return val_string(a, s->data + b, next_cp(s, (size_t)b) - (size_t)b);
}

static val f_index_of(arena *a, const val *args, int n) {
  if (!kinds(args, n, "ssi"))
    return val_no_overload(a, "indexOf", args, n);
  const str *s = args[0].as.s, *t = args[1].as.s;
  int64_t from = n > 2 ? args[2].as.i : 0, b = cp_to_byte(s, from);
  if (b < 0)
    return index_error(a, from);
  const char *base = s->data + b;
  const char *hit = bi_find(base, s->len - (size_t)b, t->data, t->len);
  if (!hit)
    return val_int(-1);
  return val_int(from + (int64_t)utf8_count(base, (size_t)(hit - base)));
}

/* The code point index of the last match of the non-empty [t] in [s]
 * starting at or before byte [limit]: -1 when none. A match of valid
 * UTF-8 in valid UTF-8 starts on a code point. */
static val last_match(const str *s, const str *t, size_t limit) {
  size_t end = limit + t->len < s->len ? limit + t->len : s->len, at = 0;
  int rc = bi_find_last(s->data, end, t->data, t->len, &at);
  if (rc < 0)
    return val_nomem();
  return val_int(rc ? (int64_t)utf8_count(s->data, at) : -1);
}

static val f_last_index_of(arena *a, const val *args, int n) {
  if (!kinds(args, n, "ssi"))
    return val_no_overload(a, "lastIndexOf", args, n);
  const str *s = args[0].as.s, *t = args[1].as.s;
  int64_t from = n > 2 ? args[2].as.i : cp_count(s), b = cp_to_byte(s, from);
  if (b < 0)
    return index_error(a, from);
  if (t->len == 0)
    return val_int(from);
  return last_match(s, t, (size_t)b);
}

static val f_substring(arena *a, const val *args, int n) {
  if (!kinds(args, n, "sii"))
    return val_no_overload(a, "substring", args, n);
  const str *s = args[0].as.s;
  int64_t lo = args[1].as.i, hi = n > 2 ? args[2].as.i : cp_count(s);
  if (n > 2 && lo > hi)
    return val_err(a, ERR_INVALID, "invalid substring range. start: %" PRId64
                   ", end: %" PRId64, lo, hi);
  int64_t blo = cp_to_byte(s, lo), bhi = cp_to_byte(s, hi);
  if (blo < 0 || bhi < 0)
    return index_error(a, blo < 0 ? lo : hi);
  return val_string(a, s->data + blo, (size_t)(bhi - blo));
}

/* ==== case, trim, reverse ============================================== */

static val map_ascii(arena *a, const val *args, int n, bool upper) {
  if (!kinds(args, n, "s"))
    return val_no_overload(a, upper ? "upperAscii" : "lowerAscii", args, n);
  const str *s = args[0].as.s;
  str *r = new_str(a, s->len);
  if (!r)
    return val_nomem();
  for (uint32_t i = 0; i < s->len; i++) {
    char c = s->data[i];
    if (upper && c >= 'a' && c <= 'z')
      c = (char)(c - 'a' + 'A');
    else if (!upper && c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    r->data[i] = c;
  }
  return seal(r);
}

static val f_lower_ascii(arena *a, const val *args, int n) {
  return map_ascii(a, args, n, false);
}

static val f_upper_ascii(arena *a, const val *args, int n) {
  return map_ascii(a, args, n, true);
}

/* Unicode White_Space, as Go's unicode.IsSpace (no zero-width spaces). */
static bool is_space(int32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static val f_trim(arena *a, const val *args, int n) {
  if (!kinds(args, n, "s"))
    return val_no_overload(a, "trim", args, n);
  const str *s = args[0].as.s;
  size_t lo = 0, hi = s->len, i;
  for (i = lo; lo < hi && is_space(utf8_decode(s->data, hi, &i)); lo = i)
    ;
  while (hi > lo) {
    size_t start = hi - 1;
    while (start > lo && is_cont(s->data[start]))
      start--;
    i = start;
    if (!is_space(utf8_decode(s->data, hi, &i)))
      break;
    hi = start;
  }
  return val_string(a, s->data + lo, hi - lo);
}

static val reverse_list(arena *a, const list *l) {
  val v = val_list(a, NULL, l->n);
  if (v.kind == V_ERROR)
    return v;
  for (uint32_t i = 0; i < l->n; i++)
    v.as.l->items[i] = l->items[l->n - 1 - i];
  return v;
}

/* string.reverse() by code points; also list.reverse() (cel-go's lists
 * extension), so that one entry serves both receivers. */
static val f_reverse(arena *a, const val *args, int n) {
  if (kinds(args, n, "l"))
    return reverse_list(a, args[0].as.l);
  if (!kinds(args, n, "s"))
    return val_no_overload(a, "reverse", args, n);
  const str *s = args[0].as.s;
  str *r = new_str(a, s->len);
  if (!r)
    return val_nomem();
  for (size_t i = 0, e; i < s->len; i = e) {
    e = next_cp(s, i);
    memcpy(r->data + s->len - e, s->data + i, e - i);
  }
  return seal(r);
}

/* ==== replace, split, join ============================================= */

/* The next match of [old] at or after byte [i]; an empty [old] matches
 * at every code point boundary, the end included. NULL if none. */
static const char *find_from(const str *s, size_t i, const str *old) {
  if (old->len == 0)
    return i <= s->len ? s->data + i : NULL;
  return bi_find(s->data + i, s->len - i, old->data, old->len);
}

static void put(char *out, size_t *o, const char *p, size_t n) {
  if (out && n)
    memcpy(out + *o, p, n);
  *o += n;
}

/* One pass of replace: the result length, written to [out] if not NULL.
 * At most [limit] replacements (all when negative), as Go's Replace. */
static size_t replace_pass(const str *s, const str *old, const str *rep,
                           int64_t limit, char *out) {
  size_t i = 0, o = 0;
  for (int64_t done = 0; limit < 0 || done < limit; done++) {
    const char *hit = find_from(s, i, old);
    if (!hit)
      break;
    size_t h = (size_t)(hit - s->data);
    put(out, &o, s->data + i, h - i);
    put(out, &o, rep->data, rep->len);
    i = h + old->len;
    if (old->len == 0) { /* step over one code point */
      if (i >= s->len)
        return o;
      size_t e = next_cp(s, i);
      put(out, &o, s->data + i, e - i);
      i = e;
    }
  }
  put(out, &o, s->data + i, s->len - i);
  return o;
}

static val f_replace(arena *a, const val *args, int n) {
  if (!kinds(args, n, "sssi"))
    return val_no_overload(a, "replace", args, n);
  const str *s = args[0].as.s, *old = args[1].as.s, *rep = args[2].as.s;
  int64_t limit = n > 3 ? args[3].as.i : -1;
  size_t len = replace_pass(s, old, rep, limit, NULL);
  str *r = new_str(a, len);
  if (!r)
    return len > UINT32_MAX - 1
               ? val_fixed_limit(val_err(a, ERR_LIMIT, "replace(): result "
                                         "too long"))
               : val_nomem();
  replace_pass(s, old, rep, limit, r->data);
  return seal(r);
}

/* One pass of split: the number of pieces, stored in [items] if not NULL.
 * As Go's SplitN: at most [limit] pieces (all when negative), the last
 * holding the rest; an empty separator splits between code points. */
static size_t split_pass(arena *a, const str *s, const str *sep,
                         int64_t limit, val *items) {
  size_t i = 0, k = 0;
  if (sep->len == 0 && s->len == 0)
    return 0;
  while (limit < 0 || (int64_t)k < limit - 1) {
    const char *hit = find_from(s, i, sep);
    size_t h = sep->len ? (hit ? (size_t)(hit - s->data) : s->len)
                        : next_cp(s, i);
    if (h >= s->len && (sep->len == 0 || !hit))
      break;
    if (items)
      items[k] = val_string(a, s->data + i, h - i);
    k++;
    i = h + sep->len;
  }
  if (items)
    items[k] = val_string(a, s->data + i, s->len - i);
  return k + 1;
}

static val f_split(arena *a, const val *args, int n) {
  if (!kinds(args, n, "ssi"))
    return val_no_overload(a, "split", args, n);
  const str *s = args[0].as.s, *sep = args[1].as.s;
  int64_t limit = n > 2 ? args[2].as.i : -1;
  size_t count = limit == 0 ? 0 : split_pass(a, s, sep, limit, NULL);
  val v = val_list(a, NULL, count);
  if (v.kind == V_ERROR || count == 0)
    return v;
  split_pass(a, s, sep, limit, v.as.l->items);
  return list_checked(v);
}

/* The length of list<string> [l] joined with [sep]; false with *ev set
 * when an item is not a string. */
static bool join_length(arena *a, const list *l, const str *sep, size_t *len,
                        val *ev) {
  *len = 0;
  for (uint32_t i = 0; i < l->n; i++) {
    if (l->items[i].kind != V_STRING) {
      *ev = val_err(a, ERR_OVERLOAD, "join(): list item %" PRIu32 " is %s, "
                     "not string", i, val_kind_name(l->items[i].kind));
      return false;
    }
    *len += l->items[i].as.s->len + (i ? sep->len : 0);
  }
  return true;
}

static val f_join(arena *a, const val *args, int n) {
  static const str empty = {0, 0};
  if (!kinds(args, n, "ls"))
    return val_no_overload(a, "join", args, n);
  const list *l = args[0].as.l;
  const str *sep = n > 1 ? args[1].as.s : &empty;
  size_t len, o = 0;
  val ev;
  if (!join_length(a, l, sep, &len, &ev))
    return ev;
  str *r = new_str(a, len);
  if (!r)
    return val_nomem();
  for (uint32_t i = 0; i < l->n; i++) {
    if (i)
      put(r->data, &o, sep->data, sep->len);
    put(r->data, &o, l->items[i].as.s->data, l->items[i].as.s->len);
  }
  return seal(r);
}

/* ==== strings.quote ==================================================== */

static val f_quote(arena *a, const val *args, int n) {
  static const char from[] = "\a\b\f\n\r\t\v\\\"";
  static const char to[] = "abfnrtv\\\"";
  if (!kinds(args, n, "s"))
    return val_no_overload(a, "strings.quote", args, n);
  const str *s = args[0].as.s;
  sbuf b;
  sb_init(&b, &a->m);
  sb_putc(&b, '"');
  for (uint32_t i = 0; i < s->len; i++) {
    const char *e = s->data[i] ? strchr(from, s->data[i]) : NULL;
    if (e) {
      sb_putc(&b, '\\');
      sb_putc(&b, to[e - from]);
    } else {
      sb_putc(&b, s->data[i]);
    }
  }
  sb_putc(&b, '"');
  return sb_result(a, &b);
}

/* ==== format: numbers as text ========================================== */

/* [d] (finite) in "%.*e" form with the fewest significant digits that
 * read back exactly; returns its decimal exponent. (builtins.c has the
 * same search for string(double).) */
static int shortest_e(char *buf, size_t size, double d) {
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, size, "%.*e", p - 1, d);
    if (strtod(buf, NULL) == d)
      break;
  }
  return atoi(strchr(buf, 'e') + 1);
}

/* [d] in plain decimal with the fewest digits that read back exactly, as
 * Go's 'f' format with precision -1: 1e+100 prints as 1 and 100 zeros. */
static void put_plain(sbuf *b, double d) {
  char e[40], dig[20];
  locale_t old = uselocale(json_c_locale());
  int exp = shortest_e(e, sizeof e, d), nd = 0;
  uselocale(old);
  for (const char *p = e; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9')
      dig[nd++] = *p;
  if (e[0] == '-')
    sb_putc(b, '-');
  if (exp < 0) {
    sb_puts(b, "0.");
    for (int i = 0; i < -exp - 1; i++)
      sb_putc(b, '0');
    sb_put(b, dig, (size_t)nd);
    return;
  }
  for (int i = 0; i <= exp; i++)
    sb_putc(b, i < nd ? dig[i] : '0');
  if (nd > exp + 1) {
    sb_putc(b, '.');
    sb_put(b, dig + exp + 1, (size_t)(nd - exp - 1));
  }
}

/* NaN and the infinities are words in every double clause. */
static bool put_special(sbuf *b, double d) {
  if (isnan(d))
    sb_puts(b, "NaN");
  else if (isinf(d))
    sb_puts(b, d > 0 ? "Infinity" : "-Infinity");
  return !isfinite(d);
}

/* [mag] in [base] (2, 8 or 16), after a '-' when [neg]. */
static void put_radix(sbuf *b, bool neg, uint64_t mag, unsigned base,
                      bool upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[65];
  int i = (int)sizeof buf;
  do {
    buf[--i] = digits[mag % base];
    mag /= base;
  } while (mag);
  if (neg)
    sb_putc(b, '-');
  sb_put(b, buf + i, sizeof buf - (size_t)i);
}

/* An int or uint as sign and magnitude; false for other kinds. */
static bool int_parts(val v, bool *neg, uint64_t *mag) {
  *neg = v.kind == V_INT && v.as.i < 0;
  if (v.kind == V_INT)
    *mag = *neg ? 0 - (uint64_t)v.as.i : (uint64_t)v.as.i;
  else if (v.kind == V_UINT)
    *mag = v.as.u;
  return v.kind == V_INT || v.kind == V_UINT;
}

/* Append every byte of [p] as two hex digits. */
static void put_hex_bytes(sbuf *b, const char *p, size_t n, bool upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    sb_putc(b, digits[(unsigned char)p[i] >> 4]);
    sb_putc(b, digits[(unsigned char)p[i] & 15]);
  }
}

/* ==== format: %s ======================================================= */

typedef struct fmt_entry {
  sbuf k, v;
  uint32_t order; /* insertion order: keeps the sort stable */
} fmt_entry;

static bool put_str(arena *a, sbuf *b, val v, val *ev);

static int entry_cmp(const void *x, const void *y) {
  const fmt_entry *p = x, *q = y;
  size_t n = p->k.len < q->k.len ? p->k.len : q->k.len;
  int c = n ? memcmp(p->k.p, q->k.p, n) : 0;
  if (c == 0 && p->k.len != q->k.len)
    c = p->k.len < q->k.len ? -1 : 1;
  return c ? c : (p->order > q->order) - (p->order < q->order);
}

static void put_entries(sbuf *b, const fmt_entry *e, uint32_t n) {
  sb_putc(b, '{');
  for (uint32_t i = 0; i < n; i++) {
    if (i)
      sb_puts(b, ", ");
    sb_put(b, e[i].k.p, e[i].k.len);
    sb_puts(b, ": ");
    sb_put(b, e[i].v.p, e[i].v.len);
  }
  sb_putc(b, '}');
}

/* A map: entries "key: value" sorted by the formatted keys. */
static bool put_map(arena *a, sbuf *b, const map *m, val *ev) {
  fmt_entry *e = mem_calloc(&a->m, m->n ? m->n : 1, sizeof *e);
  bool ok = e != NULL;
  for (uint32_t i = 0; ok && i < m->n; i++) {
    sb_init(&e[i].k, &a->m);
    sb_init(&e[i].v, &a->m);
    e[i].order = i;
    ok = put_str(a, &e[i].k, m->keys[i], ev) &&
         put_str(a, &e[i].v, m->vals[i], ev);
  }
  if (ok) {
    qsort(e, m->n, sizeof *e, entry_cmp);
    put_entries(b, e, m->n);
  } else if (!e) {
    *ev = val_nomem();
  }
  for (uint32_t i = 0; e && i < m->n; i++) {
    sb_free(&e[i].k);
    sb_free(&e[i].v);
  }
  mem_free(&a->m, e);
  return ok;
}

static bool put_list(arena *a, sbuf *b, const list *l, val *ev) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < l->n; i++) {
    if (i)
      sb_puts(b, ", ");
    if (!put_str(a, b, l->items[i], ev))
      return false;
  }
  sb_putc(b, ']');
  return true;
}

/* Bytes as text: each run of invalid UTF-8 becomes one U+FFFD. */
static void put_lossy(sbuf *b, const str *s) {
  bool bad = false;
  for (size_t i = 0, j; i < s->len; i = j) {
    j = i;
    if (utf8_decode(s->data, s->len, &j) >= 0) {
      sb_put(b, s->data + i, j - i);
      bad = false;
      continue;
    }
    j = i + 1;
    if (!bad)
      sb_puts(b, "\xef\xbf\xbd");
    bad = true;
  }
}

/* RFC 3339 in UTC with the fraction's trailing zeros dropped (Go's
 * RFC3339Nano layout). */
static void put_timestamp(sbuf *b, val v) {
  char buf[48];
  size_t n = tm_format_timestamp(buf, v.as.i, v.aux);
  char *dot = memchr(buf, '.', n);
  if (dot) {
    size_t end = n - 1; /* the 'Z' */
    while (end > (size_t)(dot - buf) && buf[end - 1] == '0')
      end--;
    if (end - 1 == (size_t)(dot - buf))
      end--;
    memmove(buf + end, buf + n - 1, 1);
    n = end + 1;
  }
  sb_put(b, buf, n);
}

static void put_scalar(sbuf *b, val v) {
  char buf[48];
  switch (v.kind) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.as.b ? "true" : "false"); break;
  case V_INT: sb_printf(b, "%" PRId64, v.as.i); break;
  case V_UINT: sb_printf(b, "%" PRIu64, v.as.u); break;
  case V_DOUBLE:
    if (!put_special(b, v.as.d))
      put_plain(b, v.as.d);
    break;
  case V_STRING: sb_put(b, v.as.s->data, v.as.s->len); break;
  case V_BYTES: put_lossy(b, v.as.s); break;
  case V_DURATION:
    sb_put(b, buf, tm_format_duration(buf, v.as.i, v.aux));
    break;
  case V_TIMESTAMP: put_timestamp(b, v); break;
  case V_TYPE: sb_puts(b, val_type_name(v.aux)); break;
  default: break;
  }
}

static val clause_error(arena *a, const char *what, val v) {
  return val_err(a, ERR_INVALID, "error during formatting: %s, was given %s",
                 what, val_kind_name(v.kind));
}

/* %s: any value but optionals (and errors, which never get here). */
/* %s prints lists and maps whole, at every depth, and values may share
 * parts (a list holding one list four times, nested): 1 step per item
 * and per 16 bytes of text printed (cost.h) keeps that bounded. */
static bool charge_print(arena *a, val v, val *ev) {
  uint64_t c = 0;
  if (v.kind == V_LIST)
    c = v.as.l->n;
  else if (v.kind == V_MAP)
    c = v.as.m->n;
  else if (v.kind == V_STRING || v.kind == V_BYTES)
    c = cost_bytes(v.as.s->len);
  if (cost_charge(a, c))
    return true;
  *ev = val_over_budget();
  return false;
}

static bool put_str(arena *a, sbuf *b, val v, val *ev) {
  if (!charge_print(a, v, ev))
    return false;
  if (v.kind == V_LIST)
    return put_list(a, b, v.as.l, ev);
  if (v.kind == V_MAP)
    return put_map(a, b, v.as.m, ev);
  if (v.kind == V_OPTIONAL || v.kind == V_ERROR) {
    *ev = clause_error(a, "string clause can only be used on strings, "
                        "bools, bytes, ints, doubles, maps, lists, types, "
                        "durations, and timestamps", v);
    return false;
  }
  put_scalar(b, v);
  return true;
}

/* ==== format: the other clauses ======================================== */

static bool put_decimal(arena *a, sbuf *b, val v, val *ev) {
  if (v.kind == V_DOUBLE) {
    if (!put_special(b, v.as.d))
      put_plain(b, v.as.d);
    return true;
  }
  if (v.kind != V_INT && v.kind != V_UINT) {
    *ev = clause_error(a, "decimal clause can only be used on ints, uints, "
                        "and doubles", v);
    return false;
  }
  put_scalar(b, v);
  return true;
}

/* %f and %e: ints and uints go through double, as in cel-go. */
static bool put_float(arena *a, sbuf *b, val v, char conv, int prec,
                      val *ev) {
  double d = v.kind == V_INT ? (double)v.as.i
             : v.kind == V_UINT ? (double)v.as.u : v.as.d;
  if (v.kind != V_INT && v.kind != V_UINT && v.kind != V_DOUBLE) {
    *ev = clause_error(a, conv == 'f' ? "fixed-point clause can only be "
                        "used on ints, uints, and doubles" : "scientific "
                        "clause can only be used on ints, uints, and "
                        "doubles", v);
    return false;
  }
  if (!put_special(b, d)) {
    locale_t old = uselocale(json_c_locale());
    sb_printf(b, conv == 'f' ? "%.*f" : "%.*e", prec, d);
    uselocale(old);
  }
  return true;
}

/* %b %o %x %X over ints and uints; %b also bools, %x/%X strings and
 * bytes (two hex digits per byte). */
static bool put_based(arena *a, sbuf *b, val v, char conv, val *ev) {
  unsigned base = conv == 'b' ? 2 : conv == 'o' ? 8 : 16;
  bool neg, upper = conv == 'X';
  uint64_t mag;
  if (int_parts(v, &neg, &mag))
    put_radix(b, neg, mag, base, upper);
  else if (conv == 'b' && v.kind == V_BOOL)
    sb_putc(b, v.as.b ? '1' : '0');
  else if (base == 16 && (v.kind == V_STRING || v.kind == V_BYTES))
    put_hex_bytes(b, v.as.s->data, v.as.s->len, upper);
  else {
    *ev = clause_error(a, conv == 'b' ? "only ints, uints, and bools can "
                        "be formatted as binary" : conv == 'o' ? "octal "
                        "clause can only be used on ints and uints" : "only "
                        "ints, uints, bytes, and strings can be formatted "
                        "as hex", v);
    return false;
  }
  return true;
}

/* [conv] is one of "sdfeboxX" (parse_clause checked). */
static bool put_clause(arena *a, sbuf *b, char conv, int prec, val v,
                       val *ev) {
  switch (conv) {
  case 's': return put_str(a, b, v, ev);
  case 'd': return put_decimal(a, b, v, ev);
  case 'f': case 'e': return put_float(a, b, v, conv, prec, ev);
  default: return put_based(a, b, v, conv, ev);
  }
}

/* ".digits" at f[*i]: the precision, at most FMT_MAX_PRECISION. */
static bool parse_precision(const str *f, size_t *i, int *prec,
                            const char **why) {
  size_t start = ++*i;
  int p = 0;
  for (; *i < f->len && f->data[*i] >= '0' && f->data[*i] <= '9'; ++*i)
    if (p <= FMT_MAX_PRECISION)
      p = p * 10 + (f->data[*i] - '0');
  *prec = p;
  if (*i == start)
    *why = "missing precision digits";
  else if (p > FMT_MAX_PRECISION)
    *why = "precision exceeds the maximum of 100";
  return *i > start && p <= FMT_MAX_PRECISION;
}

/* Parse "[.precision]conv" at f[*i] (just past the '%'). */
static bool parse_clause(arena *a, const str *f, size_t *i, char *conv,
                         int *prec, val *ev) {
  const char *why = "unexpected end of string";
  bool ok = true;
  *prec = 6;
  if (*i < f->len && f->data[*i] == '.')
    ok = parse_precision(f, i, prec, &why);
  if (!ok || *i >= f->len) {
    *ev = val_err(a, ERR_INVALID, "could not parse formatting clause: %s",
                   why);
    return false;
  }
  size_t at = *i;
  *conv = f->data[at];
  *i = next_cp(f, at);
  if (*conv && strchr("sdfeboxX", *conv))
    return true;
  *ev = val_err(a, ERR_INVALID, "could not parse formatting clause: "
                 "unrecognized formatting clause \"%.*s\"", (int)(*i - at),
                 f->data + at);
  return false;
}

/* One "%..." clause at f[*i] == '%', consuming args->items[*arg]. */
static bool format_one(arena *a, sbuf *b, const str *f, size_t *i,
                       const list *args, uint32_t *arg, val *ev) {
  char conv;
  int prec;
  ++*i;
  if (*i < f->len && f->data[*i] == '%') {
    ++*i;
    sb_putc(b, '%');
    return true;
  }
  if (*i < f->len && *arg >= args->n) {
    *ev = val_err(a, ERR_INDEX, "index %" PRIu32 " out of range", *arg);
    return false;
  }
  if (!parse_clause(a, f, i, &conv, &prec, ev))
    return false;
  return put_clause(a, b, conv, prec, args->items[(*arg)++], ev);
}

static val f_format(arena *a, const val *args, int n) {
  if (!kinds(args, n, "sl"))
    return val_no_overload(a, "format", args, n);
  const str *f = args[0].as.s;
  uint32_t arg = 0;
  size_t i = 0;
  val ev;
  sbuf b;
  sb_init(&b, &a->m);
  while (i < f->len) {
    const char *pct = memchr(f->data + i, '%', f->len - i);
    size_t run = pct ? (size_t)(pct - f->data) - i : f->len - i;
    sb_put(&b, f->data + i, run);
    i += run;
    if (pct && !format_one(a, &b, f, &i, args[1].as.l, &arg, &ev)) {
      sb_free(&b);
      return ev;
    }
  }
  return sb_result(a, &b);
}

/* ==== math: greatest and least ========================================= */

static bool is_number(int k) {
  return k == V_INT || k == V_UINT || k == V_DOUBLE;
}

/* The greatest ([want] 1) or least ([want] -1) of [xs]; ties keep the
 * first. NaN cannot be ordered against anything: an error. */
static val extreme(arena *a, const char *name, const val *xs, uint32_t k,
                   int want) {
  val best = xs[0];
  for (uint32_t i = 0; i < k; i++) {
    int cmp;
    if (!is_number(xs[i].kind))
      return val_err(a, ERR_OVERLOAD, "no matching overload for '%s' "
                     "applied to an argument of type %s", name,
                     val_kind_name(xs[i].kind));
    if (i && !val_compare(xs[i], best, &cmp))
      return val_err(a, ERR_INVALID, "%s(): NaN values cannot be ordered",
                     name);
    if (i && cmp == want)
      best = xs[i];
  }
  return best;
}

/* Variadic numbers, or one list of numbers. */
static val min_max(arena *a, const val *args, int n, const char *name,
                   int want) {
  if (n == 1 && args[0].kind == V_LIST) {
    const list *l = args[0].as.l;
    if (l->n == 0)
      return val_err(a, ERR_INVALID, "%s(): list argument must not be "
                     "empty", name);
    return extreme(a, name, l->items, l->n, want);
  }
  return extreme(a, name, args, (uint32_t)n, want);
}

static val f_greatest(arena *a, const val *args, int n) {
  return min_max(a, args, n, "math.greatest", 1);
}

static val f_least(arena *a, const val *args, int n) {
  return min_max(a, args, n, "math.least", -1);
}

/* ==== math: doubles ==================================================== */

static val double_fn(arena *a, const val *args, int n, const char *name,
                     double (*fn)(double)) {
  if (args[0].kind != V_DOUBLE)
    return val_no_overload(a, name, args, n);
  return val_double(fn(args[0].as.d));
}

static val f_ceil(arena *a, const val *args, int n) {
  return double_fn(a, args, n, "math.ceil", ceil);
}

static val f_floor(arena *a, const val *args, int n) {
  return double_fn(a, args, n, "math.floor", floor);
}

/* C's round() rounds half away from zero, as cel-go's math.Round. */
static val f_round(arena *a, const val *args, int n) {
  return double_fn(a, args, n, "math.round", round);
}

static val f_trunc(arena *a, const val *args, int n) {
  return double_fn(a, args, n, "math.trunc", trunc);
}

static val double_test(arena *a, const val *args, int n, const char *name,
                       int which) {
  if (args[0].kind != V_DOUBLE)
    return val_no_overload(a, name, args, n);
  double d = args[0].as.d;
  return val_bool(which == 0 ? isnan(d) : which == 1 ? isinf(d)
                                                     : isfinite(d));
}

static val f_is_nan(arena *a, const val *args, int n) {
  return double_test(a, args, n, "math.isNaN", 0);
}

static val f_is_inf(arena *a, const val *args, int n) {
  return double_test(a, args, n, "math.isInf", 1);
}

static val f_is_finite(arena *a, const val *args, int n) {
  return double_test(a, args, n, "math.isFinite", 2);
}

/* ==== math: abs and sign =============================================== */

static val f_abs(arena *a, const val *args, int n) {
  val v = args[0];
  switch (v.kind) {
  case V_UINT: return v;
  case V_DOUBLE: return val_double(fabs(v.as.d));
  case V_INT:
    if (v.as.i == INT64_MIN)
      return val_err(a, ERR_OVERFLOW, "math.abs(): integer overflow");
    return val_int(v.as.i < 0 ? -v.as.i : v.as.i);
  default: return val_no_overload(a, "math.abs", args, n);
  }
}

/* -1, 0 or 1 of the argument's kind; NaN stays NaN, -0.0 gives 0.0. */
static val f_sign(arena *a, const val *args, int n) {
  val v = args[0];
  switch (v.kind) {
  case V_INT: return val_int((v.as.i > 0) - (v.as.i < 0));
  case V_UINT: return val_uint(v.as.u != 0);
  case V_DOUBLE:
    if (isnan(v.as.d))
      return v;
    return val_double(v.as.d > 0 ? 1.0 : v.as.d < 0 ? -1.0 : 0.0);
  default: return val_no_overload(a, "math.sign", args, n);
  }
}

/* ==== math: bits ======================================================= */

static uint64_t bit_op(char op, uint64_t x, uint64_t y) {
  return op == '&' ? x & y : op == '|' ? x | y : x ^ y;
}

/* (int, int) -> int or (uint, uint) -> uint; mixed kinds do not match. */
static val bits2(arena *a, const val *args, int n, const char *name,
                 char op) {
  val x = args[0], y = args[1];
  if (x.kind == V_INT && y.kind == V_INT)
    return val_int((int64_t)bit_op(op, (uint64_t)x.as.i, (uint64_t)y.as.i));
  if (x.kind == V_UINT && y.kind == V_UINT)
    return val_uint(bit_op(op, x.as.u, y.as.u));
  return val_no_overload(a, name, args, n);
}

static val f_bit_and(arena *a, const val *args, int n) {
  return bits2(a, args, n, "math.bitAnd", '&');
}

static val f_bit_or(arena *a, const val *args, int n) {
  return bits2(a, args, n, "math.bitOr", '|');
}

static val f_bit_xor(arena *a, const val *args, int n) {
  return bits2(a, args, n, "math.bitXor", '^');
}

static val f_bit_not(arena *a, const val *args, int n) {
  if (args[0].kind == V_INT)
    return val_int((int64_t)~(uint64_t)args[0].as.i);
  if (args[0].kind == V_UINT)
    return val_uint(~args[0].as.u);
  return val_no_overload(a, "math.bitNot", args, n);
}

/* Shifts of 64 or more give 0; right shifts of ints fill with zeros (the
 * sign is not kept), as cel-go defines them. */
static val shift(arena *a, const val *args, int n, const char *name,
                 bool left) {
  val x = args[0], s = args[1];
  if ((x.kind != V_INT && x.kind != V_UINT) || s.kind != V_INT)
    return val_no_overload(a, name, args, n);
  if (s.as.i < 0)
    return val_err(a, ERR_INVALID, "%s(): negative offset: %" PRId64, name,
                   s.as.i);
  uint64_t u = x.kind == V_INT ? (uint64_t)x.as.i : x.as.u;
  u = s.as.i >= 64 ? 0 : left ? u << s.as.i : u >> s.as.i;
  return x.kind == V_INT ? val_int((int64_t)u) : val_uint(u);
}

static val f_shift_left(arena *a, const val *args, int n) {
  return shift(a, args, n, "math.bitShiftLeft", true);
}

static val f_shift_right(arena *a, const val *args, int n) {
  return shift(a, args, n, "math.bitShiftRight", false);
}

/* ==== base64 =========================================================== */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static val f_b64_encode(arena *a, const val *args, int n) {
  if (!kinds(args, n, "b"))
    return val_no_overload(a, "base64.encode", args, n);
  const unsigned char *p = (const unsigned char *)args[0].as.s->data;
  size_t len = args[0].as.s->len, o = 0;
  str *r = new_str(a, (len + 2) / 3 * 4);
  if (!r)
    return val_nomem();
  for (size_t i = 0; i < len; i += 3) {
    uint32_t w = (uint32_t)p[i] << 16;
    w |= i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0;
    w |= i + 2 < len ? p[i + 2] : 0;
    r->data[o++] = b64[w >> 18];
    r->data[o++] = b64[(w >> 12) & 63];
    r->data[o++] = i + 1 < len ? b64[(w >> 6) & 63] : '=';
    r->data[o++] = i + 2 < len ? b64[w & 63] : '=';
  }
  return seal(r);
}

/* The base64 alphabet value of [c], or -1. */
static int b64_value(char c) {
  const char *p = c ? strchr(b64, c) : NULL;
  return p ? (int)(p - b64) : -1;
}

/* Count data characters and '=' padding, skipping \r and \n as Go does.
 * false when '=' is followed by data or the lengths do not fit either
 * padded (Go's StdEncoding) or unpadded (RawStdEncoding) base64. */
static bool b64_shape(const str *s, size_t *data) {
  size_t pad = 0;
  *data = 0;
  for (uint32_t i = 0; i < s->len; i++) {
    char c = s->data[i];
    if (c == '\r' || c == '\n')
      continue;
    if (c == '=')
      pad++;
    else if (pad || b64_value(c) < 0)
      return false;
    else
      ++*data;
  }
  if (pad == 0)
    return *data % 4 != 1;
  return pad <= 2 && (*data + pad) % 4 == 0 && *data % 4 == 4 - pad;
}

static val f_b64_decode(arena *a, const val *args, int n) {
  if (!kinds(args, n, "s"))
    return val_no_overload(a, "base64.decode", args, n);
  const str *s = args[0].as.s;
  size_t data, o = 0, bits = 0;
  uint32_t acc = 0;
  if (!b64_shape(s, &data))
    return val_err(a, ERR_INVALID, "base64.decode(): illegal base64 data");
  str *r = str_alloc(a, data * 3 / 4);
  if (!r)
    return val_nomem();
  for (uint32_t i = 0; i < s->len; i++) {
    int v = b64_value(s->data[i]);
    if (v < 0)
      continue; /* \r, \n and the padding */
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r->data[o++] = (char)(acc >> bits);
    }
  }
  str_seal(r);
  return val_from_str(V_BYTES, r);
}

/* ==== the table ======================================================== */

#define G BI_GLOBAL
#define R BI_RECEIVER

const builtin bi_ext[] = {
    {"charAt", R, 2, 2, f_char_at,
     "string.charAt(int) -> string: the code point at an index ('' at the "
     "end)"},
    {"indexOf", R, 2, 3, f_index_of,
     "string.indexOf(string[, int]) -> int: first code point index of the "
     "argument from a start, or -1"},
    {"lastIndexOf", R, 2, 3, f_last_index_of,
     "string.lastIndexOf(string[, int]) -> int: last code point index of "
     "the argument at or before a start, or -1"},
    {"lowerAscii", R, 1, 1, f_lower_ascii,
     "string.lowerAscii() -> string: ASCII letters lower-cased"},
    {"upperAscii", R, 1, 1, f_upper_ascii,
     "string.upperAscii() -> string: ASCII letters upper-cased"},
    {"replace", R, 3, 4, f_replace,
     "string.replace(string, string[, int]) -> string: replace the first "
     "n occurrences (all if n < 0)"},
    {"split", R, 2, 3, f_split,
     "string.split(string[, int]) -> list(string): at most n pieces (all "
     "if n < 0, none if 0)"},
    {"substring", R, 2, 3, f_substring,
     "string.substring(int[, int]) -> string: code points [start, end)"},
    {"trim", R, 1, 1, f_trim,
     "string.trim() -> string: leading and trailing Unicode white space "
     "removed"},
    {"join", R, 1, 2, f_join,
     "list(string).join([string]) -> string: items joined by a separator"},
    {"reverse", R, 1, 1, f_reverse,
     "string.reverse() -> string / list.reverse() -> list: reversed code "
     "points or items"},
    {"format", R, 2, 2, f_format,
     "string.format(list) -> string: printf-style %s %d %f %e %b %o %x %X "
     "%% with optional .precision"},
    {"strings.quote", G, 1, 1, f_quote,
     "strings.quote(string) -> string: double-quoted with \\a \\b \\f \\n "
     "\\r \\t \\v \\\\ \\\" escaped"},
    {"math.greatest", G, 1, -1, f_greatest,
     "math.greatest(number, ...) / math.greatest(list) -> number: the "
     "largest, across int, uint and double"},
    {"math.least", G, 1, -1, f_least,
     "math.least(number, ...) / math.least(list) -> number: the smallest, "
     "across int, uint and double"},
    {"math.ceil", G, 1, 1, f_ceil,
     "math.ceil(double) -> double: round toward +infinity"},
    {"math.floor", G, 1, 1, f_floor,
     "math.floor(double) -> double: round toward -infinity"},
    {"math.round", G, 1, 1, f_round,
     "math.round(double) -> double: nearest, halves away from zero"},
    {"math.trunc", G, 1, 1, f_trunc,
     "math.trunc(double) -> double: round toward zero"},
    {"math.abs", G, 1, 1, f_abs,
     "math.abs(int|uint|double) -> same: absolute value (overflow error "
     "for the least int)"},
    {"math.sign", G, 1, 1, f_sign,
     "math.sign(int|uint|double) -> same: -1, 0 or 1 (NaN for NaN)"},
    {"math.isNaN", G, 1, 1, f_is_nan,
     "math.isNaN(double) -> bool: the value is NaN"},
    {"math.isInf", G, 1, 1, f_is_inf,
     "math.isInf(double) -> bool: the value is +/-infinity"},
    {"math.isFinite", G, 1, 1, f_is_finite,
     "math.isFinite(double) -> bool: neither NaN nor infinite"},
    {"math.bitAnd", G, 2, 2, f_bit_and,
     "math.bitAnd(int, int) -> int / (uint, uint) -> uint: bitwise and"},
    {"math.bitOr", G, 2, 2, f_bit_or,
     "math.bitOr(int, int) -> int / (uint, uint) -> uint: bitwise or"},
    {"math.bitXor", G, 2, 2, f_bit_xor,
     "math.bitXor(int, int) -> int / (uint, uint) -> uint: bitwise xor"},
    {"math.bitNot", G, 1, 1, f_bit_not,
     "math.bitNot(int|uint) -> same: ones' complement"},
    {"math.bitShiftLeft", G, 2, 2, f_shift_left,
     "math.bitShiftLeft(int|uint, int) -> same: shift left (0 from 64 on; "
     "negative is an error)"},
    {"math.bitShiftRight", G, 2, 2, f_shift_right,
     "math.bitShiftRight(int|uint, int) -> same: logical shift right (0 "
     "from 64 on; negative is an error)"},
    {"base64.encode", G, 1, 1, f_b64_encode,
     "base64.encode(bytes) -> string: standard base64 with padding"},
    {"base64.decode", G, 1, 1, f_b64_decode,
     "base64.decode(string) -> bytes: standard base64, padding optional"},
    {NULL, 0, 0, 0, NULL, NULL},
};
