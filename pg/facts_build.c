/*
 * facts_build.c: a fact set from JSON-shaped events (contract in
 * facts_build.h). Values are made bottom-up: a container's items wait on
 * a stack until it closes, then become one libpol list or map, which
 * takes their place. Keys wait, NUL-terminated, in one text buffer, by
 * offset, because pol_new_map wants C strings and the buffer may move
 * while it grows.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "facts_build.h"

typedef struct frame {
  size_t vbase; /* its first item in vals */
  size_t kbase; /* its first key in keys */
  size_t tbase; /* its first key byte in text */
  bool object;
} frame;

struct fb {
  pol_facts *facts;
  pol_builder *pb;
  const pol_value **vals; /* items of the open containers */
  size_t nvals, capvals;
  size_t *keys; /* offsets in text of the keys of the open objects */
  size_t nkeys, capkeys;
  char *text;
  size_t ntext, captext;
  const char **kptr; /* the keys of the object being closed */
  size_t capkptr;
  frame frames[FB_MAX_DEPTH];
  size_t depth;
  const pol_value *root;
  fb_status status;
  char msg[128];
  char path[160]; /* where a value was refused ("xs[3].k"), or "" */
};

/* ==== scratch ============================================================ */

/* Make room for [need] elements of [size] bytes in *[p]. */
static bool grow(void *p, size_t *cap, size_t need, size_t size) {
  void **pp = p;
  size_t n = *cap ? *cap : 16;
  void *q;
  if (need <= *cap)
    return true;
  while (n < need)
    n *= 2;
  if (n > SIZE_MAX / size)
    return false;
  q = realloc(*pp, n * size);
  if (!q)
    return false;
  *pp = q;
  *cap = n;
  return true;
}

fb *fb_new(void) { return calloc(1, sizeof(fb)); }

void fb_free(fb *b) {
  if (!b)
    return;
  free(b->vals);
  free(b->keys);
  free(b->text);
  free(b->kptr);
  free(b);
}

void fb_begin(fb *b, pol_facts *facts) {
  pol_facts_reset(facts);
  b->facts = facts;
  b->pb = pol_facts_builder(facts);
  b->nvals = b->nkeys = b->ntext = b->depth = 0;
  b->root = NULL;
  b->status = FB_OK;
  b->msg[0] = '\0';
  b->path[0] = '\0';
}

/* ==== errors ============================================================= */

static void where(fb *b);

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool
fail(fb *b, fb_status st, const char *fmt, ...) {
  va_list ap;
  if (b->status != FB_OK)
    return false; /* the first error is the one to tell */
  b->status = st;
  if (st == FB_EVALUE)
    where(b);
  va_start(ap, fmt);
  vsnprintf(b->msg, sizeof b->msg, fmt, ap);
  va_end(ap);
  return false;
}

static bool nomem(fb *b) { return fail(b, FB_ENOMEM, "out of memory"); }

fb_status fb_error(const fb *b) { return b->status; }
const char *fb_errmsg(const fb *b) { return b->msg; }
const char *fb_errpath(const fb *b) { return b->path; }

/* Whether [s] of [n] bytes is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). Only asked after libpol refused a
 * string, to tell a bad string from out of memory. */
static bool utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], len, k;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      len = 4, cp = c & 0x07;
    else
      return false;
    if (n - i < len)
      return false;
    for (k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    i += len;
  }
  return true;
}

/* ==== placing values ===================================================== */

/* Whether the innermost open object has a key waiting for its value. */
static bool key_waiting(const fb *b) {
  const frame *f = &b->frames[b->depth - 1];
  return b->nkeys - f->kbase > b->nvals - f->vbase;
}

/* Cut [s] of [n] bytes back to whole UTF-8 characters (snprintf cut a
 * long path wherever the buffer ended). */
static void utf8_trim(char *s, size_t n) {
  size_t lead = n, need;
  unsigned char c;
  while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
    lead--;
  if (lead == 0)
    return;
  c = (unsigned char)s[lead - 1];
  need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (n - (lead - 1) < need)
    s[lead - 1] = '\0';
}

/* The path of the member whose value is refused ("xs[3].k"): each open
 * container's current member, outermost first. */
static void where(fb *b) {
  size_t i, n = 0, cap = sizeof b->path;
  int w = 0;
  b->path[0] = '\0';
  for (i = 0; i < b->depth && n < cap; i++) {
    const frame *f = &b->frames[i];
    bool inner = i + 1 < b->depth;
    size_t k = inner ? b->frames[i + 1].kbase : b->nkeys;
    size_t item = (inner ? b->frames[i + 1].vbase : b->nvals) - f->vbase;
    if (f->object && k == f->kbase)
      break; /* no key yet */
    w = f->object ? snprintf(b->path + n, cap - n, "%s%s", n ? "." : "",
                             b->text + b->keys[k - 1])
                  : snprintf(b->path + n, cap - n, "[%zu]", item);
    if (w < 0)
      break;
    n += (size_t)w;
  }
  if (n >= cap)
    utf8_trim(b->path, cap - 1);
}

/* May a value come now? Not a second document, not an object item
 * without its key. A scalar at the top ([what] names it) is not facts. */
static bool value_may_come(fb *b, const char *what) {
  if (b->status != FB_OK)
    return false;
  if (b->depth == 0 && b->root)
    return fail(b, FB_ESHAPE, "more than one document");
  if (b->depth == 0)
    return fail(b, FB_ESHAPE, "facts must be a JSON object, not %s", what);
  if (b->frames[b->depth - 1].object && !key_waiting(b))
    return fail(b, FB_ESHAPE, "an object member without a key");
  return true;
}

/* Put the new value [v] (NULL: its constructor failed) in its place. */
static bool put(fb *b, const pol_value *v) {
  if (!v)
    return nomem(b);
  if (b->depth == 0) {
    b->root = v;
    return true;
  }
  if (!grow(&b->vals, &b->capvals, b->nvals + 1, sizeof *b->vals))
    return nomem(b);
  b->vals[b->nvals++] = v;
  return true;
}

/* ==== scalars ============================================================ */

bool fb_null(fb *b) {
  return value_may_come(b, "null") && put(b, pol_new_null(b->pb));
}

bool fb_bool(fb *b, bool x) {
  return value_may_come(b, "a boolean") && put(b, pol_new_bool(b->pb, x));
}

bool fb_string(fb *b, const char *s, size_t len) {
  const pol_value *v;
  if (!value_may_come(b, "a string"))
    return false;
  v = pol_new_string(b->pb, s, len);
  if (!v && !utf8_ok((const unsigned char *)s, len))
    return fail(b, FB_EVALUE, "a string is not valid UTF-8");
  return put(b, v);
}

/* Whether [s, s+n) is a JSON number; *[integral]: without a fraction or
 * an exponent. */
static bool json_number(const char *s, size_t n, bool *integral) {
  size_t i = 0, d;
  *integral = true;
  if (i < n && s[i] == '-')
    i++;
  if (i < n && s[i] == '0')
    i++;
  else if (i < n && s[i] >= '1' && s[i] <= '9')
    while (i < n && s[i] >= '0' && s[i] <= '9')
      i++;
  else
    return false;
  if (i < n && s[i] == '.') {
    *integral = false;
    for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      ;
    if (i == d)
      return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    *integral = false;
    if (++i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      ;
    if (i == d)
      return false;
  }
  return i == n;
}

/* The integer literal [s, s+n) as an int, or a uint when it fits uint64
 * only; NULL in *[out] (and true) when it fits neither. */
static bool make_int(fb *b, const char *s, size_t n, const pol_value **out) {
  bool neg = s[0] == '-';
  uint64_t m = 0;
  size_t i;
  *out = NULL;
  for (i = neg; i < n; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (m > UINT64_MAX / 10 || (m == UINT64_MAX / 10 && d > UINT64_MAX % 10))
      return true;
    m = m * 10 + d;
  }
  if (!neg)
    *out = m <= INT64_MAX ? pol_new_int(b->pb, (int64_t)m)
                          : pol_new_uint(b->pb, m);
  else if (m <= (uint64_t)INT64_MAX + 1)
    *out = pol_new_int(b->pb, m == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                          : -(int64_t)m);
  else
    return true;
  return *out != NULL || nomem(b);
}

/* strtod needs a NUL-terminated copy: it goes past the keys in text,
 * which it does not keep. */
static bool make_double(fb *b, const char *s, size_t n,
                        const pol_value **out) {
  double d;
  if (!grow(&b->text, &b->captext, b->ntext + n + 1, 1))
    return nomem(b);
  memcpy(b->text + b->ntext, s, n);
  b->text[b->ntext + n] = '\0';
  d = strtod(b->text + b->ntext, NULL);
  if (isinf(d))
    return fail(b, FB_EVALUE, "number out of range");
  *out = pol_new_double(b->pb, d);
  return *out != NULL || nomem(b);
}

bool fb_number(fb *b, const char *s, size_t len) {
  bool integral;
  const pol_value *v = NULL;
  if (!value_may_come(b, "a number"))
    return false;
  if (!json_number(s, len, &integral))
    return fail(b, FB_EVALUE, "not a JSON number: %.*s",
                (int)(len < 40 ? len : 40), s);
  if (integral && !make_int(b, s, len, &v))
    return false;
  if (!v && !make_double(b, s, len, &v))
    return false;
  return put(b, v);
}

/* ==== containers ========================================================= */

bool fb_key(fb *b, const char *s, size_t len) {
  if (b->status != FB_OK)
    return false;
  if (b->depth == 0 || !b->frames[b->depth - 1].object || key_waiting(b))
    return fail(b, FB_ESHAPE, "a key out of place");
  if (memchr(s, '\0', len))
    return fail(b, FB_EVALUE, "an object key holds a NUL character");
  if (!grow(&b->keys, &b->capkeys, b->nkeys + 1, sizeof *b->keys) ||
      !grow(&b->text, &b->captext, b->ntext + len + 1, 1))
    return nomem(b);
  memcpy(b->text + b->ntext, s, len);
  b->text[b->ntext + len] = '\0';
  b->keys[b->nkeys++] = b->ntext;
  b->ntext += len + 1;
  return true;
}

bool fb_open(fb *b, bool object) {
  frame *f;
  if (b->depth == 0 && object && !b->root) {
    if (b->status != FB_OK)
      return false; /* the one place an object may start a document */
  } else if (!value_may_come(b, "an array")) {
    return false;
  }
  if (b->depth == FB_MAX_DEPTH)
    return fail(b, FB_EDEPTH, "nesting too deep (limit is %d)",
                FB_MAX_DEPTH);
  f = &b->frames[b->depth++];
  f->vbase = b->nvals;
  f->kbase = b->nkeys;
  f->tbase = b->ntext;
  f->object = object;
  return true;
}

static int cmp_key(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* pol_new_map refused the keys of kptr[0..n): a repeated key, or out of
 * memory. */
static bool map_failed(fb *b, size_t n) {
  size_t i;
  qsort(b->kptr, n, sizeof *b->kptr, cmp_key);
  for (i = 1; i < n; i++)
    if (strcmp(b->kptr[i - 1], b->kptr[i]) == 0)
      return fail(b, FB_EVALUE, "repeated key \"%.40s\"", b->kptr[i]);
  return nomem(b);
}

static const pol_value *close_object(fb *b, const frame *f) {
  size_t n = b->nvals - f->vbase, i;
  const pol_value *v;
  if (!grow(&b->kptr, &b->capkptr, n + 1, sizeof *b->kptr)) {
    nomem(b);
    return NULL;
  }
  for (i = 0; i < n; i++)
    b->kptr[i] = b->text + b->keys[f->kbase + i];
  v = pol_new_map(b->pb, b->kptr, b->vals + f->vbase, n);
  if (!v)
    map_failed(b, n);
  return v;
}

bool fb_close(fb *b) {
  frame f;
  const pol_value *v;
  if (b->status != FB_OK)
    return false;
  if (b->depth == 0)
    return fail(b, FB_ESHAPE, "a close without an open");
  if (b->frames[b->depth - 1].object && key_waiting(b))
    return fail(b, FB_ESHAPE, "an object key without a value");
  f = b->frames[--b->depth];
  v = f.object ? close_object(b, &f)
               : pol_new_list(b->pb, b->vals + f.vbase, b->nvals - f.vbase);
  if (!v)
    return b->status != FB_OK ? false : nomem(b);
  b->nvals = f.vbase;
  b->nkeys = f.kbase;
  b->ntext = f.tbase;
  return put(b, v);
}

fb_status fb_finish(fb *b) {
  int rc;
  if (b->status == FB_OK && (b->depth > 0 || !b->root))
    fail(b, FB_ESHAPE, "the document is incomplete");
  if (b->status == FB_OK) {
    rc = pol_facts_load_value(b->facts, b->root);
    if (rc == POL_ENOMEM)
      nomem(b);
    else if (rc != POL_OK)
      fail(b, FB_ESHAPE, "%s", pol_facts_errmsg(b->facts));
  }
  if (b->status != FB_OK)
    pol_facts_reset(b->facts); /* on any error the set is empty */
  return b->status;
}
