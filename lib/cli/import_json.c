/*
 * import_json.c: the small JSON tree `policyc import` reads its mapping
 * into and writes its fact set from. Every value keeps the line and
 * column it starts at, so a mapping that parses but makes no sense is
 * reported where it is wrong. Nesting is bounded; strings are checked
 * to be UTF-8 and their \u escapes decoded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "import.h"

enum { MAX_DEPTH = 64 };

typedef struct jparser {
  imp_pool *pool;
  const char *s, *name;
  size_t n, i;
  unsigned line, col;
  bool failed;
} jparser;

/* ==== reading ============================================================ */

static void fail(jparser *p, const char *msg) {
  if (!p->failed)
    fprintf(stderr, "%s:%u:%u: %s\n", p->name, p->line, p->col, msg);
  p->failed = true;
}

static void advance(jparser *p) {
  if (p->s[p->i] == '\n') {
    p->line++;
    p->col = 1;
  } else if (((unsigned char)p->s[p->i] & 0xC0) != 0x80) {
    p->col++;
  }
  p->i++;
}

static void blanks(jparser *p) {
  while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]))
    advance(p);
}

static bool literal(jparser *p, const char *word) {
  size_t k = strlen(word);
  if (p->n - p->i < k || memcmp(p->s + p->i, word, k) != 0)
    return false;
  for (size_t j = 0; j < k; j++)
    advance(p);
  return true;
}

static int hex4(const char *s) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    char c = s[k];
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

static void put_utf8(imp_buf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | cp >> 6);
    u[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | cp >> 12);
    u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  imp_buf_put(b, u, n);
}

/* A \uXXXX escape at p->i (after the backslash and 'u'), with its low
 * surrogate when it is a high one. */
static bool unicode_escape(jparser *p, imp_buf *b) {
  int hi = p->n - p->i >= 4 ? hex4(p->s + p->i) : -1;
  if (hi < 0)
    return fail(p, "invalid \\u escape"), false;
  for (int k = 0; k < 4; k++)
    advance(p);
  unsigned cp = (unsigned)hi;
  if (hi >= 0xD800 && hi < 0xDC00 && p->n - p->i >= 6 &&
      p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
    int lo = hex4(p->s + p->i + 2);
    if (lo >= 0xDC00 && lo < 0xE000) {
      cp = 0x10000 + (((unsigned)hi - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
      for (int k = 0; k < 6; k++)
        advance(p);
    }
  }
  put_utf8(b, cp);
  return true;
}

static bool escape(jparser *p, imp_buf *b) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  char c = p->s[p->i];
  advance(p);
  if (c == 'u')
    return unicode_escape(p, b);
  const char *k = strchr(from, c);
  if (!k || !c)
    return fail(p, "invalid escape in string"), false;
  imp_buf_put(b, &to[k - from], 1);
  return true;
}

/* The bytes from the cursor that a string holds as they are: no quote,
 * backslash or control character. */
static size_t plain_run(const jparser *p) {
  size_t i = p->i;
  while (i < p->n && p->s[i] != '"' && p->s[i] != '\\' &&
         (unsigned char)p->s[i] >= 0x20)
    i++;
  return i - p->i;
}

/* A string's text, put in the pool a run of plain bytes at a time (a
 * byte at a time, each string in a buffer of 256, a waivers file of
 * 2 MB took 50 MB). */
static const char *string(jparser *p) {
  imp_buf b;
  imp_buf_init(&b, p->pool);
  imp_buf_put(&b, "", 0);
  advance(p); /* the opening quote */
  for (;;) {
    size_t run = plain_run(p);
    imp_buf_put(&b, p->s + p->i, run);
    for (size_t k = 0; k < run; k++)
      advance(p);
    if (p->i >= p->n)
      return fail(p, "unterminated string"), NULL;
    unsigned char c = (unsigned char)p->s[p->i];
    if (c == '"')
      break;
    if (c < 0x20)
      return fail(p, "control character in string"), NULL;
    advance(p); /* the backslash */
    if (!escape(p, &b))
      return NULL;
  }
  advance(p);
  return b.s;
}

static jnode *value(jparser *p, int depth);

/* The digits at [s] (of [n] bytes): how many. */
static size_t digits(const char *s, size_t n) {
  size_t k = 0;
  while (k < n && s[k] >= '0' && s[k] <= '9')
    k++;
  return k;
}

/* The length of the JSON number at [s] (of [n] bytes), 0 if none:
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. strtod alone took
 * more than JSON: NaN, Infinity, hex (0x10), a leading '+' or '.'. */
static size_t number_len(const char *s, size_t n) {
  size_t k = s[0] == '-', d = digits(s + k, n - k);
  if (d == 0 || (s[k] == '0' && d > 1))
    return 0;
  k += d;
  if (k + 1 < n && s[k] == '.' && (d = digits(s + k + 1, n - k - 1)))
    k += 1 + d;
  if (k < n && (s[k] == 'e' || s[k] == 'E')) {
    size_t e = k + 1 + (k + 1 < n && (s[k + 1] == '+' || s[k + 1] == '-'));
    if ((d = digits(s + e, n - e)))
      k = e + d;
  }
  return k;
}

static jnode *number(jparser *p, jnode *v) {
  const char *start = p->s + p->i;
  size_t len = number_len(start, p->n - p->i);
  if (len == 0)
    return fail(p, "unexpected character"), NULL;
  v->num = strtod(imp_strndup(p->pool, start, len), NULL);
  if (!isfinite(v->num)) /* as the library's reader says it */
    return fail(p, "number out of range"), NULL;
  v->kind = JN_NUM;
  v->is_int = !memchr(start, '.', len) && !memchr(start, 'e', len) &&
              !memchr(start, 'E', len) && fabs(v->num) < 9e15;
  /* only an integer has one: a larger number (1e96 written out) is out
   * of long long's range, and converting it is undefined */
  v->i = v->is_int ? (long long)v->num : 0;
  for (size_t k = 0; k < len; k++)
    advance(p);
  return v;
}

static jnode *array(jparser *p, jnode *v, int depth) {
  v->kind = JN_ARR;
  advance(p);
  blanks(p);
  if (p->i < p->n && p->s[p->i] == ']')
    return advance(p), v;
  for (;;) {
    jnode *item = value(p, depth + 1);
    if (!item)
      return NULL;
    jn_append(p->pool, v, item);
    blanks(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      advance(p);
      continue;
    }
    if (p->i < p->n && p->s[p->i] == ']')
      return advance(p), v;
    return fail(p, "expected ',' or ']'"), NULL;
  }
}

static jnode *object(jparser *p, jnode *v, int depth) {
  v->kind = JN_OBJ;
  advance(p);
  blanks(p);
  if (p->i < p->n && p->s[p->i] == '}')
    return advance(p), v;
  for (;;) {
    blanks(p);
    if (p->i >= p->n || p->s[p->i] != '"')
      return fail(p, "expected a member name"), NULL;
    unsigned kl = p->line, kc = p->col;
    const char *key = string(p);
    blanks(p);
    if (!key || p->i >= p->n || p->s[p->i] != ':')
      return fail(p, "expected ':'"), NULL;
    advance(p);
    jnode *item = value(p, depth + 1);
    if (!item)
      return NULL;
    if (jn_get(v, key))
      return fail(p, "member given twice"), NULL;
    item->key_line = kl;
    item->key_col = kc;
    jn_set(p->pool, v, key, item);
    blanks(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      advance(p);
      continue;
    }
    if (p->i < p->n && p->s[p->i] == '}')
      return advance(p), v;
    return fail(p, "expected ',' or '}'"), NULL;
  }
}

static jnode *value_at(jparser *p, jnode *v, int depth);

/* A value, with the byte range it takes. */
static jnode *value(jparser *p, int depth) {
  blanks(p);
  if (depth > MAX_DEPTH)
    return fail(p, "nested too deeply"), NULL;
  if (p->i >= p->n)
    return fail(p, "unexpected end of input"), NULL;
  jnode *v = jn_new(p->pool, JN_NULL);
  v->line = p->line;
  v->col = p->col;
  v->off = p->i;
  v = value_at(p, v, depth);
  if (v)
    v->end = p->i;
  return v;
}

static jnode *value_at(jparser *p, jnode *v, int depth) {
  char c = p->s[p->i];
  if (c == '{')
    return object(p, v, depth);
  if (c == '[')
    return array(p, v, depth);
  if (c == '"') {
    v->kind = JN_STR;
    v->s = string(p);
    return v->s ? v : NULL;
  }
  if (literal(p, "true") || literal(p, "false")) {
    v->kind = JN_BOOL;
    v->b = c == 't';
    return v;
  }
  if (literal(p, "null"))
    return v;
  return number(p, v);
}

jnode *jn_parse(imp_pool *pool, const char *text, size_t len,
                const char *name) {
  jparser p = {pool, text, name, len, 0, 1, 1, false};
  /* a byte-order mark at the very start is skipped, and not counted as a
   * column, as the library's JSON reader does (docs/decisions.md, JSON):
   * Windows editors write one into waivers, mappings and test files */
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
    p.i = 3;
  jnode *v = value(&p, 0);
  blanks(&p);
  if (v && p.i < p.n)
    fail(&p, "unexpected text after the JSON value");
  return p.failed ? NULL : v;
}

/* ==== building =========================================================== */

jnode *jn_new(imp_pool *p, jn_kind k) {
  jnode *v = imp_alloc(p, sizeof *v);
  v->kind = k;
  return v;
}

jnode *jn_str(imp_pool *p, const char *s) {
  jnode *v = jn_new(p, JN_STR);
  v->s = imp_strdup(p, s);
  return v;
}

jnode *jn_int(imp_pool *p, long long i) {
  jnode *v = jn_new(p, JN_NUM);
  v->is_int = true;
  v->i = i;
  v->num = (double)i;
  return v;
}

/* An object of more members than this is indexed: a sheet's items and
 * the derived facts and their $evidence are objects of thousands, each
 * set once, which a scan per member made members x members. */
#define JN_SCAN_MAX 8

static size_t name_hash(const char *s) { /* FNV-1a */
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* Where member [key] of [o] is in its index, or the empty slot for it. */
static size_t *slot_of_name(const jnode *o, const char *key) {
  size_t i = name_hash(key) & o->ixmask;
  for (; o->ix[i]; i = (i + 1) & o->ixmask) {
    ((jnode *)o)->compares++; /* a count on a const read */
    if (strcmp(o->keys[o->ix[i] - 1], key) == 0)
      break;
  }
  return &o->ix[i];
}

/* Index [o]'s members, in a table over twice their number. */
static void index_names(imp_pool *p, jnode *o) {
  size_t cap = 32;
  while (cap < 2 * o->cap)
    cap *= 2;
  o->ix = imp_alloc(p, cap * sizeof *o->ix); /* zeroed */
  o->ixmask = cap - 1;
  for (size_t i = 0; i < o->n; i++)
    *slot_of_name(o, o->keys[i]) = i + 1;
}

jnode *jn_get(const jnode *o, const char *key) {
  if (o && o->kind == JN_OBJ && o->ix) {
    size_t at = *slot_of_name(o, key);
    return at ? o->items[at - 1] : NULL;
  }
  for (size_t i = 0; o && o->kind == JN_OBJ && i < o->n; i++) {
    ((jnode *)o)->compares++;
    if (strcmp(o->keys[i], key) == 0)
      return o->items[i];
  }
  return NULL;
}

void jn_set(imp_pool *p, jnode *o, const char *key, jnode *v) {
  size_t *at = o->ix ? slot_of_name(o, key) : NULL;
  if (at && *at) {
    o->items[*at - 1] = v;
    return;
  }
  for (size_t i = 0; !o->ix && i < o->n; i++) {
    o->compares++;
    if (strcmp(o->keys[i], key) == 0) {
      o->items[i] = v;
      return;
    }
  }
  size_t n = o->n, cap = o->cap;
  imp_push(p, (void ***)&o->keys, &n, &cap, imp_strdup(p, key));
  imp_push(p, (void ***)&o->items, &o->n, &o->cap, v);
  if (at && 2 * o->n <= o->ixmask + 1)
    *at = o->n;
  else if (o->n > JN_SCAN_MAX)
    index_names(p, o); /* the first time, or grown */
}

void jn_append(imp_pool *p, jnode *arr, jnode *v) {
  imp_push(p, (void ***)&arr->items, &arr->n, &arr->cap, v);
}

bool jn_equal(const jnode *a, const jnode *b) {
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case JN_NULL: return true;
  case JN_BOOL: return a->b == b->b;
  case JN_NUM: return a->num == b->num;
  case JN_STR: return strcmp(a->s, b->s) == 0;
  default: break;
  }
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if ((a->kind == JN_OBJ && strcmp(a->keys[i], b->keys[i]) != 0) ||
        !jn_equal(a->items[i], b->items[i]))
      return false;
  return true;
}

/* ==== writing ============================================================ */

static void write_string(imp_buf *out, const char *s) {
  imp_buf_put(out, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      imp_buf_printf(out, "\\%c", c);
    else if (c == '\n')
      imp_buf_puts(out, "\\n");
    else if (c == '\t')
      imp_buf_puts(out, "\\t");
    else if (c < 0x20)
      imp_buf_printf(out, "\\u%04x", c);
    else
      imp_buf_put(out, s, 1);
  }
  imp_buf_put(out, "\"", 1);
}

static void write_number(imp_buf *out, const jnode *v) {
  if (v->is_int) {
    imp_buf_printf(out, "%lld", v->i);
    return;
  }
  char num[64];
  snprintf(num, sizeof num, "%.15g", v->num);
  imp_buf_puts(out, num);
  if (!strpbrk(num, ".eEn")) /* a double stays a double: 99.0 */
    imp_buf_puts(out, ".0");
}

/* Whether [v] holds nothing but scalars (and, with [lists], lists of
 * scalars). */
static bool scalars_only(const jnode *v, bool lists) {
  for (size_t i = 0; i < v->n; i++) {
    const jnode *k = v->items[i];
    if (k->kind == JN_OBJ || (k->kind == JN_ARR && (!lists ||
                                                    !scalars_only(k, false))))
      return false;
  }
  return true;
}

/* Whether [v] is written on one line: a list of scalars; an object of
 * scalars that is small or deep in the tree (a check-sheet row), never
 * a long list of facts such as $evidence. */
static bool one_line(const jnode *v, int indent) {
  if (v->n == 0)
    return true;
  if (v->kind == JN_ARR)
    return scalars_only(v, false);
  return scalars_only(v, true) && (v->n <= 4 || indent >= 4);
}

static void newline(imp_buf *out, int indent) {
  imp_buf_put(out, "\n", 1);
  for (int i = 0; i < indent; i++)
    imp_buf_put(out, " ", 1);
}

void jn_write(imp_buf *out, const jnode *v, int indent) {
  switch (v->kind) {
  case JN_NULL: imp_buf_puts(out, "null"); return;
  case JN_BOOL: imp_buf_puts(out, v->b ? "true" : "false"); return;
  case JN_NUM: write_number(out, v); return;
  case JN_STR: write_string(out, v->s); return;
  default: break;
  }
  bool obj = v->kind == JN_OBJ, flat = one_line(v, indent);
  imp_buf_puts(out, obj ? "{" : "[");
  for (size_t i = 0; i < v->n; i++) {
    if (i)
      imp_buf_puts(out, ",");
    if (flat && i)
      imp_buf_puts(out, " ");
    else if (!flat)
      newline(out, indent + 2);
    if (obj) {
      write_string(out, v->keys[i]);
      imp_buf_puts(out, ": ");
    }
    jn_write(out, v->items[i], indent + 2);
  }
  if (!flat && v->n)
    newline(out, indent);
  imp_buf_puts(out, obj ? "}" : "]");
}
