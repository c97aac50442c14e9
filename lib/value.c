/*
 * value.c: construction, equality, ordering, hashing and copying of CEL
 * values (see value.h for the representation), plus UTF-8 helpers.
 * Numbers of different kinds compare by value: int against uint exactly,
 * either against double after conversion to double, as CEL does.
 */
#include "value.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cost.h"

/* ==== objects ============================================================ */

static err nomem_err = {ERR_NOMEM, 0, -1, -1, "out of memory", NULL};
/* Never written to: the VM reports its own step-limit error, with the
 * limit and the place (vm.c, locate). */
static err budget_err = {ERR_LIMIT, 0, -1, -1,
                         "evaluation limit exceeded: step budget spent",
                         NULL};

val val_nomem(void) {
  val v = {0};
  v.kind = V_ERROR;
  v.as.e = &nomem_err;
  return v;
}

val val_over_budget(void) {
  val v = {0};
  v.kind = V_ERROR;
  v.as.e = &budget_err;
  return v;
}

bool val_is_over_budget(val v) {
  return v.kind == V_ERROR && v.as.e == &budget_err;
}

/* FNV-1a: small, fast on short keys (field names), good enough spread. */
uint32_t val_hash_continue(uint32_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++)
    h = val_hash_step(h, s[i]);
  return h;
}

uint32_t val_hash_bytes(const void *p, size_t n) {
  return val_hash_continue(VAL_HASH_SEED, p, n);
}

str *str_alloc(arena *a, size_t n) {
  if (n > UINT32_MAX - 1)
    return NULL;
  str *s = arena_alloc(a, sizeof(str) + n + 1);
  if (!s)
    return NULL;
  s->len = (uint32_t)n;
  s->hash = 0; /* not computed */
  s->data[n] = '\0';
  return s;
}

void str_seal(str *s) { s->hash = val_hash_bytes(s->data, s->len); }

val val_from_str(int kind, str *s) {
  val v = {0};
  v.kind = (uint8_t)kind;
  v.as.s = s;
  return v;
}

static val make_str(arena *a, int kind, const void *p, size_t n) {
  str *s = str_alloc(a, n);
  if (!s)
    return val_nomem();
  if (n)
    memcpy(s->data, p, n);
  str_seal(s);
  return val_from_str(kind, s);
}

val val_string(arena *a, const char *s, size_t n) {
  return make_str(a, V_STRING, s, n);
}

val val_cstring(arena *a, const char *s) {
  return make_str(a, V_STRING, s, strlen(s));
}

val val_bytes(arena *a, const void *s, size_t n) {
  return make_str(a, V_BYTES, s, n);
}

list *list_alloc(arena *a, size_t n) {
  if (n > (UINT32_MAX - sizeof(list)) / sizeof(val))
    return NULL;
  list *l = arena_alloc(a, sizeof(list) + n * sizeof(val));
  if (l) {
    l->n = (uint32_t)n;
    l->o = (origin){NULL, 0, ORIGIN_NONE};
  }
  return l;
}

val val_list(arena *a, const val *items, size_t n) {
  list *l = list_alloc(a, n);
  if (!l)
    return val_nomem();
  if (items && n)
    memcpy(l->items, items, n * sizeof(val));
  else if (n)
    memset(l->items, 0, n * sizeof(val));
  val v = {0};
  v.kind = V_LIST;
  v.as.l = l;
  return v;
}

/* ==== errors ============================================================= */

static val make_err(arena *a, err_kind k, const char *msg, const char *path) {
  err *e = arena_alloc(a, sizeof *e);
  if (!e)
    return val_nomem();
  e->kind = (uint8_t)k;
  e->flags = 0;
  e->loc = -1;
  e->read = -1;
  e->msg = msg ? msg : "out of memory";
  e->path = path;
  val v = {0};
  v.kind = V_ERROR;
  v.as.e = e;
  return v;
}

val val_err(arena *a, err_kind k, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return make_err(a, k, arena_strndup(a, buf, strlen(buf)), NULL);
}

val val_absent_field(arena *a, const char *field) {
  return make_err(a, ERR_ABSENT, "no such key", field);
}

val val_absent_key(arena *a) {
  return make_err(a, ERR_ABSENT, "no such key", NULL);
}

val val_absent(arena *a, const char *path) {
  const char *p = arena_strndup(a, path, strlen(path));
  const char *msg = arena_printf(a, "no such key or variable: '%s'", path);
  return make_err(a, ERR_ABSENT, msg, p);
}

val val_no_overload(arena *a, const char *op, const val *args, int nargs) {
  char buf[256];
  size_t n = (size_t)snprintf(buf, sizeof buf,
                              "no matching overload for '%s' applied to (",
                              op);
  for (int i = 0; i < nargs && n < sizeof buf; i++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "",
                          val_kind_name(args[i].kind));
  if (n < sizeof buf)
    snprintf(buf + n, sizeof buf - n, ")");
  return make_err(a, ERR_OVERLOAD, arena_strndup(a, buf, strlen(buf)), NULL);
}

/* ==== names ============================================================== */

static const char *const kind_names[] = {
    "null_type", "bool", "int", "uint", "double", "string", "bytes",
    "list", "map", "google.protobuf.Duration",
    "google.protobuf.Timestamp", "type", "optional_type", "error"};
_Static_assert(POL_COUNTOF(kind_names) == V_KIND_COUNT,
               "a name for every kind of value");

const char *val_kind_name(int kind) {
  if (kind >= 0 && kind < (int)POL_COUNTOF(kind_names))
    return kind_names[kind];
  return "?";
}

bool val_is_type_name(const char *s) {
  /* the first letters first: the residuals ask this of every path's
   * root, and most are facts' names */
  for (size_t t = 0; t < POL_COUNTOF(kind_names); t++)
    if (t != V_ERROR && kind_names[t][0] == s[0] &&
        strcmp(kind_names[t], s) == 0)
      return true;
  return false;
}

const char *val_type_name(int t) {
  if (t == T_DYN)
    return "dyn";
  return val_kind_name(t);
}

/* ==== equality and ordering ============================================== */

/* Compare int [i] with double [d]: -1/0/1, or 2 if d is NaN. CEL
 * converts the integer to double first (the conformance suite pins
 * this: 9223372036854775807 < 9223372036854775808.0 is false), so the
 * comparison is as lossy as that conversion. */
static int cmp_int_double(int64_t i, double d) {
  if (isnan(d))
    return 2;
  double x = (double)i;
  return x < d ? -1 : x > d;
}

static int cmp_uint_double(uint64_t u, double d) {
  if (isnan(d))
    return 2;
  double x = (double)u;
  return x < d ? -1 : x > d;
}

static int cmp_int_uint(int64_t i, uint64_t u) {
  if (i < 0)
    return -1;
  return (uint64_t)i < u ? -1 : (uint64_t)i > u ? 1 : 0;
}

static int cmp_scalar(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

/* Numeric comparison across kinds; 3 when either is not a number. */
static int cmp_numbers(val a, val b) {
  switch (a.kind * 16 + b.kind) {
  case V_INT * 16 + V_INT: return cmp_scalar(a.as.i, b.as.i);
  case V_UINT * 16 + V_UINT: return a.as.u < b.as.u ? -1 : a.as.u > b.as.u;
  case V_DOUBLE * 16 + V_DOUBLE:
    if (isnan(a.as.d) || isnan(b.as.d))
      return 2;
    return a.as.d < b.as.d ? -1 : a.as.d > b.as.d;
  case V_INT * 16 + V_UINT: return cmp_int_uint(a.as.i, b.as.u);
  case V_UINT * 16 + V_INT: return -cmp_int_uint(b.as.i, a.as.u);
  case V_INT * 16 + V_DOUBLE: return cmp_int_double(a.as.i, b.as.d);
  case V_DOUBLE * 16 + V_INT: {
    int c = cmp_int_double(b.as.i, a.as.d);
    return c == 2 ? 2 : -c;
  }
  case V_UINT * 16 + V_DOUBLE: return cmp_uint_double(a.as.u, b.as.d);
  case V_DOUBLE * 16 + V_UINT: {
    int c = cmp_uint_double(b.as.u, a.as.d);
    return c == 2 ? 2 : -c;
  }
  default: return 3;
  }
}

static bool is_number(int k) { return k == V_INT || k == V_UINT || k == V_DOUBLE; }

static int cmp_str(const str *a, const str *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->data, b->data, n);
  if (c)
    return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_time(val a, val b) {
  if (a.as.i != b.as.i)
    return a.as.i < b.as.i ? -1 : 1;
  return cmp_scalar(a.aux, b.aux);
}

bool val_compare(val a, val b, int *cmp) {
  if (is_number(a.kind) && is_number(b.kind)) {
    *cmp = cmp_numbers(a, b);
    return *cmp != 2;
  }
  *cmp = 3; /* not comparable, unless the switch below says otherwise */
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case V_BOOL: *cmp = (int)a.as.b - (int)b.as.b; return true;
  case V_STRING:
  case V_BYTES: *cmp = cmp_str(a.as.s, b.as.s); return true;
  case V_DURATION:
  case V_TIMESTAMP: *cmp = cmp_time(a, b); return true;
  default: return false;
  }
}

/* Equality, metered when [m] is not NULL: each item or entry compared
 * and each 16 bytes of text compared are charged to [m]'s budget
 * (cost.h), and a spent budget stops the comparison (the result is then
 * false and m->over_steps says why). Values can share parts (a list
 * holding one list four times, nested), so without the meter a
 * comparison could take time exponential in the size of the policy. */
static bool equal(val a, val b, arena *m);

static bool list_equal(const list *a, const list *b, arena *m) {
  if (a->n != b->n)
    return false;
  for (uint32_t i = 0; i < a->n; i++)
    if ((m && !cost_charge(m, 1)) || !equal(a->items[i], b->items[i], m))
      return false;
  return true;
}

static bool map_equal(const map *a, const map *b, arena *m) {
  if (a->n != b->n)
    return false;
  for (uint32_t i = 0; i < a->n; i++) {
    if (m && !cost_charge(m, 1))
      return false;
    const val *v = map_get(b, a->keys[i]);
    if (!v || !equal(a->vals[i], *v, m))
      return false;
  }
  return true;
}

static bool str_equal(const str *a, const str *b, arena *m) {
  if (a->len != b->len || (m && !cost_charge(m, cost_bytes(a->len))))
    return false;
  return memcmp(a->data, b->data, a->len) == 0;
}

static bool equal(val a, val b, arena *m) {
  if (is_number(a.kind) && is_number(b.kind))
    return cmp_numbers(a, b) == 0;
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case V_NULL: return true;
  case V_BOOL: return a.as.b == b.as.b;
  case V_STRING:
  case V_BYTES: return str_equal(a.as.s, b.as.s, m);
  case V_LIST: return list_equal(a.as.l, b.as.l, m);
  case V_MAP: return map_equal(a.as.m, b.as.m, m);
  case V_DURATION:
  case V_TIMESTAMP: return a.as.i == b.as.i && a.aux == b.aux;
  case V_TYPE: return a.aux == b.aux;
  case V_OPTIONAL:
    if (!a.as.opt || !b.as.opt)
      return a.as.opt == b.as.opt;
    return equal(*a.as.opt, *b.as.opt, m);
  default: return false;
  }
}

bool val_equal(val a, val b) { return equal(a, b, NULL); }

bool val_charge_whole(arena *m, val v) {
  switch (v.kind) {
  case V_STRING:
  case V_BYTES: return cost_charge(m, cost_bytes(v.as.s->len));
  case V_OPTIONAL: return !v.as.opt || val_charge_whole(m, *v.as.opt);
  case V_LIST:
    if (!cost_charge(m, v.as.l->n))
      return false;
    for (uint32_t i = 0; i < v.as.l->n; i++)
      if (!val_charge_whole(m, v.as.l->items[i]))
        return false;
    return true;
  case V_MAP:
    if (!cost_charge(m, v.as.m->n))
      return false;
    for (uint32_t i = 0; i < v.as.m->n; i++)
      if (!val_charge_whole(m, v.as.m->keys[i]) ||
          !val_charge_whole(m, v.as.m->vals[i]))
        return false;
    return true;
  default: return true;
  }
}

bool val_equal_metered(arena *m, val a, val b) { return equal(a, b, m); }

/* ==== maps =============================================================== */

/* Normalise a lookup key: an integral double finds the int/uint key, and
 * a non-negative int is looked up as a uint so 1 and 1u hash alike.
 * Returns false for kinds that can never be keys. */
static bool key_norm(val *k) {
  if (k->kind == V_DOUBLE) {
    double d = k->as.d;
    if (d != trunc(d) || isinf(d))
      return false;
    if (d >= 0 && d < 18446744073709551616.0)
      *k = val_uint((uint64_t)d);
    else if (d < 0 && d >= -9223372036854775808.0)
      *k = val_int((int64_t)d);
    else
      return false;
  }
  if (k->kind == V_INT && k->as.i >= 0)
    *k = val_uint((uint64_t)k->as.i);
  return k->kind == V_BOOL || k->kind == V_INT || k->kind == V_UINT ||
         k->kind == V_STRING;
}

static uint32_t key_hash(val k) {
  switch (k.kind) {
  case V_STRING: return k.as.s->hash;
  case V_BOOL: return k.as.b ? 0x9e3779b9u : 0x7f4a7c15u;
  default: {
    uint64_t x = k.as.u * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(x >> 32) ^ (uint32_t)k.kind;
  }
  }
}

/* [b] is already normalised by key_norm; [a] is a stored key. Both
 * carry their hash when they are strings (keys of a map being built). A
 * key taken from the map itself (iterating it) is the same object: no
 * need to compare bytes. */
static bool key_eq(val a, val b) {
  if (a.kind == V_INT && a.as.i >= 0)
    a = val_uint((uint64_t)a.as.i);
  if (a.kind != b.kind)
    return false;
  if (a.kind == V_STRING)
    return a.as.s == b.as.s ||
           (a.as.s->hash == b.as.s->hash && a.as.s->len == b.as.s->len &&
            memcmp(a.as.s->data, b.as.s->data, a.as.s->len) == 0);
  return a.kind == V_BOOL ? a.as.b == b.as.b : a.as.u == b.as.u;
}

const val *map_get(const map *m, val key) {
  if (key.kind == V_STRING) /* its hash may not be computed yet */
    return map_get_str(m, key.as.s->data, key.as.s->len, str_hash(key.as.s));
  if (!key_norm(&key))
    return NULL;
  if (!m->nbuckets) {
    for (uint32_t i = 0; i < m->n; i++)
      if (key_eq(m->keys[i], key))
        return &m->vals[i];
    return NULL;
  }
  uint32_t mask = m->nbuckets - 1;
  for (uint32_t h = key_hash(key) & mask;; h = (h + 1) & mask) {
    uint32_t e = m->buckets[h];
    if (!e)
      return NULL;
    if (key_eq(m->keys[e - 1], key))
      return &m->vals[e - 1];
  }
}

/* Insert entry [i] into the index; false if its key is already there. */
static bool index_insert(map *m, uint32_t i) {
  val k = m->keys[i];
  key_norm(&k);
  uint32_t mask = m->nbuckets - 1;
  for (uint32_t h = key_hash(k) & mask;; h = (h + 1) & mask) {
    uint32_t e = m->buckets[h];
    if (!e) {
      m->buckets[h] = i + 1;
      return true;
    }
    if (key_eq(m->keys[e - 1], k))
      return false;
  }
}

static val check_keys_linear(arena *a, map *m) {
  for (uint32_t i = 0; i < m->n; i++) {
    val k = m->keys[i];
    key_norm(&k);
    for (uint32_t j = 0; j < i; j++)
      if (key_eq(m->keys[j], k))
        return val_err(a, ERR_INVALID, "map literal has a repeated key");
  }
  return val_null();
}

/* Index the entries of [m] (more than MAP_LINEAR_MAX) into its
 * buckets, which are zeroed: ERR_INVALID at a repeated key. */
static val build_index(arena *a, map *m) {
  for (uint32_t i = 0; i < m->n; i++)
    if (!index_insert(m, i))
      return val_err(a, ERR_INVALID, "map literal has a repeated key");
  return val_null();
}

static inline bool same_key_str(const str *a, const str *b) {
  return a == b || (a->hash == b->hash && a->len == b->len &&
                    memcmp(a->data, b->data, a->len) == 0);
}

/* build_index for string keys (a JSON object's): no kinds to normalise,
 * the cached hash is the key's. */
static val build_str_index(arena *a, map *m) {
  uint32_t mask = m->nbuckets - 1;
  for (uint32_t i = 0; i < m->n; i++) {
    const str *k = m->keys[i].as.s;
    uint32_t h = k->hash & mask, e;
    while ((e = m->buckets[h]) != 0) {
      if (same_key_str(m->keys[e - 1].as.s, k))
        return val_err(a, ERR_INVALID, "map literal has a repeated key");
      h = (h + 1) & mask;
    }
    m->buckets[h] = i + 1;
  }
  return val_null();
}

/* check_str_keys comparing every pair of keys. */
static POL_NOINLINE val check_str_pairs(arena *a, const map *m) {
  for (uint32_t i = 1; i < m->n; i++)
    for (uint32_t j = 0; j < i; j++)
      if (same_key_str(m->keys[j].as.s, m->keys[i].as.s))
        return val_err(a, ERR_INVALID, "map literal has a repeated key");
  return val_null();
}

/* A small map of string keys (a JSON object's): repeats found by the
 * keys' cached hashes, comparing bytes only when two hashes agree. Keys
 * whose hashes differ in their low 6 bits differ, so one bit per key in
 * a word settles most maps at once; only when two keys share a bit are
 * the pairs compared. */
static val check_str_keys(arena *a, const map *m) {
  uint64_t seen = 0;
  for (uint32_t i = 0; i < m->n; i++) {
    uint64_t bit = UINT64_C(1) << (m->keys[i].as.s->hash & 63);
    if (seen & bit)
      return check_str_pairs(a, m);
    seen |= bit;
  }
  return val_null();
}

static val make_map(arena *a, const val *keys, const val *vals, size_t n,
                    bool strings);

val val_map(arena *a, const val *keys, const val *vals, size_t n) {
  for (size_t i = 0; i < n; i++) {
    val k = keys[i];
    if (!key_norm(&k) || keys[i].kind == V_DOUBLE)
      return val_err(a, ERR_INVALID, "unsupported map key type: %s",
                     val_kind_name(keys[i].kind));
  }
  return make_map(a, keys, vals, n, false);
}

val val_map_strings(arena *a, const val *keys, const val *vals, size_t n) {
  return make_map(a, keys, vals, n, true);
}

/* Give every string key of [m] its hash: a key taken from a fact set's
 * string values may not have one, and lookups compare cached hashes.
 * The string is shared (and may be read by other threads), so it is
 * copied, not written to. false when out of memory. */
static bool hash_keys(arena *a, map *m) {
  for (uint32_t i = 0; i < m->n; i++) {
    const str *k = m->keys[i].as.s;
    if (m->keys[i].kind != V_STRING || k->hash)
      continue;
    m->keys[i] = make_str(a, V_STRING, k->data, k->len);
    if (m->keys[i].kind == V_ERROR)
      return false;
  }
  return true;
}

_Static_assert(sizeof(map) % _Alignof(val) == 0,
               "a map's entries follow it in the same allocation");

/* The value of the finished map [m], or the error [r] finishing it
 * gave (a repeated key, out of memory). */
static val map_done(map *m, val r) {
  if (r.kind == V_ERROR)
    return r;
  val v = {0};
  v.kind = V_MAP;
  v.as.m = m;
  return v;
}

val map_strings_done(arena *a, map *m) {
  return map_done(m, m->nbuckets ? build_str_index(a, m)
                                 : check_str_keys(a, m));
}

/* The map of [n] entries, its keys checked ([strings]: all hashed
 * strings). One allocation holds the map, its keys, its values and its
 * index. */
static val make_map(arena *a, const val *keys, const val *vals, size_t n,
                    bool strings) {
  map *m = map_new(a, n);
  if (!m)
    return val_nomem();
  if (n) {
    memcpy(m->keys, keys, n * sizeof(val));
    memcpy(m->vals, vals, n * sizeof(val));
  }
  if (strings)
    return map_strings_done(a, m);
  if (!hash_keys(a, m))
    return val_nomem();
  return map_done(m, m->nbuckets ? build_index(a, m)
                                 : check_keys_linear(a, m));
}

/* ==== deep copy ========================================================== */

static val copy_list(arena *a, const list *l) {
  val v = val_list(a, NULL, l->n);
  for (uint32_t i = 0; v.kind == V_LIST && i < l->n; i++) {
    v.as.l->items[i] = val_deepcopy(a, l->items[i]);
    if (v.as.l->items[i].kind == V_ERROR &&
        v.as.l->items[i].as.e->kind == ERR_NOMEM)
      return val_nomem();
  }
  return v;
}

static val copy_map(arena *a, const map *m) {
  val *kv = arena_alloc(a, 2 * (size_t)m->n * sizeof(val) + 1);
  if (!kv)
    return val_nomem();
  for (uint32_t i = 0; i < m->n; i++) {
    kv[i] = val_deepcopy(a, m->keys[i]);
    kv[m->n + i] = val_deepcopy(a, m->vals[i]);
  }
  return val_map(a, kv, kv + m->n, m->n);
}

val val_deepcopy(arena *a, val v) {
  switch (v.kind) {
  case V_STRING:
  case V_BYTES: return make_str(a, v.kind, v.as.s->data, v.as.s->len);
  case V_LIST: return copy_list(a, v.as.l);
  case V_MAP: return copy_map(a, v.as.m);
  case V_OPTIONAL: {
    if (!v.as.opt)
      return v;
    val *p = arena_alloc(a, sizeof *p);
    if (!p)
      return val_nomem();
    *p = val_deepcopy(a, *v.as.opt);
    v.as.opt = p;
    return v;
  }
  case V_ERROR: {
    if (v.as.e == &nomem_err)
      return v;
    val r = make_err(a, (err_kind)v.as.e->kind,
                     arena_strndup(a, v.as.e->msg, strlen(v.as.e->msg)),
                     v.as.e->path ? arena_strndup(a, v.as.e->path,
                                                  strlen(v.as.e->path))
                                  : NULL);
    if (r.as.e != &nomem_err) {
      r.as.e->loc = v.as.e->loc;
      r.as.e->flags = v.as.e->flags;
    }
    return r;
  }
  default: return v;
  }
}

/* ==== fact-set origins =================================================== */

static void adopt(val v, const void *parent, uint32_t entry, uint8_t kind,
                  int depth);

/* The origin of [v], if it is a container: no deeper. */
static void set_origin(val v, const void *parent, uint32_t entry,
                       uint8_t kind) {
  if (v.kind == V_LIST)
    v.as.l->o = (origin){parent, entry, kind};
  else if (v.kind == V_MAP)
    v.as.m->o = (origin){parent, entry, kind};
}

static void adopt_items(const list *l, int depth) {
  for (uint32_t i = 0; i < l->n; i++)
    adopt(l->items[i], l, i, ORIGIN_LIST, depth);
}

static void adopt_entries(const map *m, int depth) {
  for (uint32_t i = 0; i < m->n; i++)
    adopt(m->vals[i], m, i, ORIGIN_MAP, depth);
}

/* Set the origin of the container [v] (if it is one) and of everything
 * below it. The fact set's own arena holds them, and nothing reads them
 * yet, so writing into these "immutable" objects is safe here. */
static void adopt(val v, const void *parent, uint32_t entry, uint8_t kind,
                  int depth) {
  if (depth > POL_MAX_JSON_DEPTH)
    return;
  if (v.kind == V_LIST) {
    v.as.l->o = (origin){parent, entry, kind};
    adopt_items(v.as.l, depth + 1);
  } else if (v.kind == V_MAP) {
    v.as.m->o = (origin){parent, entry, kind};
    adopt_entries(v.as.m, depth + 1);
  }
}

void val_adopt(map *root) {
  root->o = (origin){NULL, 0, ORIGIN_ROOT};
  adopt_entries(root, 1);
}

void val_adopt_kids(val v, int depth) {
  if (depth > POL_MAX_JSON_DEPTH)
    return;
  if (v.kind == V_MAP)
    for (uint32_t i = 0; i < v.as.m->n; i++)
      set_origin(v.as.m->vals[i], v.as.m, i, ORIGIN_MAP);
  else if (v.kind == V_LIST)
    for (uint32_t i = 0; i < v.as.l->n; i++)
      set_origin(v.as.l->items[i], v.as.l, i, ORIGIN_LIST);
}

void val_adopt_below(val v, int depth) {
  if (v.kind == V_MAP)
    adopt_entries(v.as.m, depth);
  else if (v.kind == V_LIST)
    adopt_items(v.as.l, depth);
}

/* The origin of the container [v], or NULL when it is none. */
static origin *origin_of(val v) {
  if (v.kind == V_LIST)
    return &v.as.l->o;
  return v.kind == V_MAP ? &v.as.m->o : NULL;
}

/* The values a container holds: a list's items, a map's values. */
static val *parts_of(val v, uint32_t *n) {
  *n = v.kind == V_LIST ? v.as.l->n : v.as.m->n;
  return v.kind == V_LIST ? v.as.l->items : v.as.m->vals;
}

/* Below the container [v] of [a]: each container of another arena
 * replaced by a copy in [a], each of [a]'s marked ORIGIN_NONE. */
static bool own_parts(arena *a, val v, int depth) {
  uint32_t n;
  val *p = parts_of(v, &n);
  for (uint32_t i = 0; i < n && depth <= POL_MAX_JSON_DEPTH; i++) {
    origin *o = origin_of(p[i]);
    if (!o)
      continue;
    if (!arena_owns(a, o)) {
      p[i] = val_deepcopy(a, p[i]);
      if (p[i].kind == V_ERROR)
        return false;
      continue;
    }
    *o = (origin){NULL, 0, ORIGIN_NONE};
    if (!own_parts(a, p[i], depth + 1))
      return false;
  }
  return true;
}

/* adopt() for a tree that own_parts() made [a]'s: a container met a
 * second time (one value under two names) is copied, so that each
 * place has its own and a report names the one a rule read. */
static bool adopt_parts(arena *a, val v, int depth) {
  uint32_t n;
  val *p = parts_of(v, &n);
  uint8_t kind = v.kind == V_LIST ? ORIGIN_LIST : ORIGIN_MAP;
  const void *parent = v.kind == V_LIST ? (const void *)v.as.l
                                        : (const void *)v.as.m;
  for (uint32_t i = 0; i < n && depth <= POL_MAX_JSON_DEPTH; i++) {
    origin *o = origin_of(p[i]);
    if (!o)
      continue;
    if (o->kind != ORIGIN_NONE) {
      p[i] = val_deepcopy(a, p[i]);
      if (p[i].kind == V_ERROR)
        return false;
      o = origin_of(p[i]);
    }
    *o = (origin){parent, i, kind};
    if (!adopt_parts(a, p[i], depth + 1))
      return false;
  }
  return true;
}

bool val_adopt_own(arena *a, map *root) {
  val r = {.kind = V_MAP, .as.m = root};
  if (!own_parts(a, r, 1))
    return false;
  root->o = (origin){NULL, 0, ORIGIN_ROOT};
  return adopt_parts(a, r, 1);
}

/* ==== UTF-8 ============================================================== */

int32_t utf8_decode(const char *s, size_t n, size_t *i) {
  const unsigned char *p = (const unsigned char *)s + *i;
  size_t left = n - *i;
  uint32_t c = p[0];
  int len;
  uint32_t min;
  if (c < 0x80) {
    *i += 1;
    return (int32_t)c;
  }
  if (c >= 0xc2 && c <= 0xdf) { len = 2; c &= 0x1f; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { len = 3; c &= 0x0f; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4; c &= 0x07; min = 0x10000; }
  else return -1;
  if (left < (size_t)len)
    return -1;
  for (int k = 1; k < len; k++) {
    if ((p[k] & 0xc0) != 0x80)
      return -1;
    c = (c << 6) | (p[k] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return -1;
  *i += (size_t)len;
  return (int32_t)c;
}

bool utf8_valid(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if ((unsigned char)s[i] < 0x80) { /* ASCII fast path */
      i++;
      continue;
    }
    if (utf8_decode(s, n, &i) < 0)
      return false;
  }
  return true;
}

/* Code points are the bytes that are not continuation bytes (10xxxxxx).
 * size() of a string counts them on every call, so 8 bytes at a time:
 * in x & ~(x << 1) a byte keeps its high bit exactly when its top two
 * bits are 10 (the shift moves each byte's bit 6 under its bit 7). */
size_t utf8_count(const char *s, size_t n) {
  const uint64_t high = 0x8080808080808080u;
  size_t c = n, i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    /* one bit per continuation byte, each at the bottom of its byte; the
     * multiply sums the 8 bytes into the top one (a count of 0 to 8) */
    uint64_t cont = (x & ~(x << 1) & high) >> 7;
    c -= (size_t)((cont * 0x0101010101010101u) >> 56);
  }
  for (; i < n; i++)
    c -= ((unsigned char)s[i] & 0xc0) == 0x80;
  return c;
}

int utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xc0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xe0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (unsigned char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (unsigned char)(0xf0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (unsigned char)(0x80 | (cp & 0x3f));
  return 4;
}

/* East Asian Wide (W) and Fullwidth (F) ranges of Unicode's
 * EastAsianWidth.txt, coarsened to whole blocks. */
static const uint32_t wide[][2] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},
    {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

int utf8_cp_width(uint32_t cp) {
  if (cp < 0x0300)
    return 1; /* ASCII and Latin: the common case, no table walk */
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F))
    return 0; /* combining marks, zero-width spaces, variation selectors */
  for (size_t i = 0; i < POL_COUNTOF(wide); i++)
    if (cp >= wide[i][0] && cp <= wide[i][1])
      return 2;
  return 1;
}

size_t utf8_width(const char *s, size_t n) {
  size_t w = 0, i = 0;
  while (i < n) {
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0) { /* count a bad byte as one column and move on */
      i++;
      w++;
      continue;
    }
    w += (size_t)utf8_cp_width((uint32_t)cp);
  }
  return w;
}
