/*
 * value.h: the representation of CEL values inside the engine.
 *
 * A val is 16 bytes, passed by value: a kind tag, a 32-bit aux field and
 * an 8-byte payload. Scalars (null, bool, int, uint, double, duration,
 * timestamp, type) need no allocation: a duration or timestamp keeps its
 * seconds in the payload and its nanoseconds in aux. Strings, bytes, lists,
 * maps and errors point to immutable objects allocated in an arena (see
 * arena.h); values never own anything and are never freed one by one.
 *
 * Errors are values (CEL semantics): an operation on an error operand
 * returns that error; && || ?: and the macros may absorb it. An error of
 * kind ERR_ABSENT means "a variable or field that is not there": the policy
 * layer turns it into UNKNOWN.
 */
#ifndef POL_VALUE_H
#define POL_VALUE_H

#include <string.h>

#include "arena.h"

typedef enum {
  V_NULL,
  V_BOOL,
  V_INT,
  V_UINT,
  V_DOUBLE,
  V_STRING,
  V_BYTES,
  V_LIST,
  V_MAP,
  V_DURATION,  /* as.i seconds, aux nanoseconds, same sign as seconds */
  V_TIMESTAMP, /* as.i seconds since the Unix epoch (UTC), aux 0..999999999 */
  V_TYPE,      /* aux: the val_kind it names (T_* below for the others) */
  V_OPTIONAL,  /* as.opt: NULL for optional.none(), else the wrapped value */
  V_ERROR,     /* as.e */
  V_KIND_COUNT
} val_kind;

/* Type values that are not the type of a value kind: V_TYPE's aux. */
enum { T_TYPE = V_TYPE, T_DYN = V_KIND_COUNT, T_KIND_COUNT };

typedef enum {
  ERR_GENERIC,    /* anything else: message says what */
  ERR_ABSENT,     /* unbound variable or missing field/key: "no such ..." */
  ERR_OVERLOAD,   /* no matching overload for the operand types */
  ERR_OVERFLOW,   /* integer overflow / value out of range */
  ERR_DIVZERO,    /* division or modulus by zero */
  ERR_INDEX,      /* index out of range */
  ERR_INVALID,    /* invalid argument (bad format string, bad regex, ...) */
  ERR_LIMIT,      /* an evaluation limit was hit: never absorbed */
  ERR_NOMEM,      /* out of memory: never absorbed */
  ERR_INTERRUPTED /* the host asked the evaluation to stop */
} err_kind;

typedef struct str str;
typedef struct list list;
typedef struct map map;
typedef struct err err;
typedef struct val val;

struct val {
  uint8_t kind;  /* val_kind */
  uint8_t pad8;
  uint16_t pad16;
  int32_t aux;   /* nanoseconds, or the type named by a V_TYPE */
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    str *s;        /* V_STRING, V_BYTES */
    list *l;
    map *m;
    err *e;
    val *opt;      /* V_OPTIONAL: NULL when empty */
  } as;
};

/* Strings are UTF-8 (validated on creation by whoever creates them);
 * bytes are arbitrary. data is NUL-terminated for convenience, but may
 * hold NULs: len is the truth. hash is val_hash_bytes of the bytes, or 0
 * for "not computed": the JSON reader leaves the longer string values of
 * a fact set unhashed, since most are never hashed by anything. Whoever
 * needs the hash calls str_hash, which computes it without storing it (a
 * loaded fact set is read by many threads at once). So two hashes tell
 * strings apart only when neither is 0. Every map key carries its hash
 * (val_map copies a key that has none), so lookups may compare a key's
 * cached hash with the one sought. A string whose hash happens to be 0
 * is merely hashed again each time: 0 never claims more than
 * "unknown". */
struct str {
  uint32_t len;
  uint32_t hash;
  char data[];
};

/* FNV-1a, the hash of every string (val_hash_bytes): its seed and one
 * step, for code that hashes bytes as it scans them. */
#define VAL_HASH_SEED 2166136261u
static inline uint32_t val_hash_step(uint32_t h, unsigned char c) {
  return (h ^ c) * 16777619u;
}

/* Where a container that belongs to a fact set sits in it: its parent
 * container and its entry there. The VM notes a fact read as (container,
 * entry) and the report names it by walking these links up to the root
 * (report_path.c), so no path text is built while evaluating. Containers
 * made while evaluating, and constants, have ORIGIN_NONE: reading them
 * reads no fact. Set by val_adopt() when a fact set is loaded. */
typedef enum {
  ORIGIN_NONE,  /* not part of a fact set */
  ORIGIN_ROOT,  /* the variables map of a fact set */
  ORIGIN_MAP,   /* entry [entry] of the map [parent] */
  ORIGIN_LIST   /* item [entry] of the list [parent] */
} origin_kind;

typedef struct origin {
  const void *parent;  /* a map or a list, as kind says; NULL for ROOT */
  uint32_t entry;
  uint8_t kind;        /* origin_kind */
} origin;

struct list {
  uint32_t n;
  origin o;
  val items[];
};

/* Maps keep insertion order (entries[]) and, when larger than
 * MAP_LINEAR_MAX, an open-addressing index of nbuckets slots holding
 * entry number + 1 (0 = empty). Keys are bool, int, uint or string; an int
 * key and a uint key with the same number are the same key (CEL). */
#define MAP_LINEAR_MAX 8
struct map {
  uint32_t n;
  uint32_t nbuckets; /* 0 or a power of two >= 2n */
  uint32_t *buckets;
  val *keys;
  val *vals;
  origin o;
};

/* err.flags */
enum {
  ERRF_FACT = 1,     /* ERR_ABSENT: a fact (or a variable) is missing, as
                        opposed to a key of a value the policy made */
  ERRF_FIXED = 2     /* ERR_LIMIT: a fixed limit of the engine (PCRE2's
                        match, depth and heap limits, a string too long),
                        the same whatever limits the host sets: like a
                        type error, it belongs to the policy and the data
                        (pol_report_status says POL_ERUNTIME) */
};

struct err {
  uint8_t kind;      /* err_kind */
  uint8_t flags;     /* ERRF_* */
  int32_t loc;       /* index of the failing instruction, or -1 */
  int32_t read;      /* ERR_ABSENT in a traced run: the trace entry that
                        found the fact missing (vm.h), else -1 */
  const char *msg;   /* human message, e.g. "division by zero"; for an
                        absent error of the VM a short one, which
                        err_describe() completes from its location */
  const char *path;  /* ERR_ABSENT: the missing name/path, or NULL */
};

/* An ERR_LIMIT error of a fixed limit (ERRF_FIXED); [e] as it is when it
 * is no error (out of memory for the message). */
static inline val val_fixed_limit(val e) {
  if (e.kind == V_ERROR && e.as.e->kind == ERR_LIMIT)
    e.as.e->flags |= ERRF_FIXED;
  return e;
}

/* ---- constructors for scalars ---- */
static inline val val_null(void) { val v = {0}; v.kind = V_NULL; return v; }
static inline val val_bool(bool b) { val v = {0}; v.kind = V_BOOL; v.as.b = b; return v; }
static inline val val_int(int64_t i) { val v = {0}; v.kind = V_INT; v.as.i = i; return v; }
static inline val val_uint(uint64_t u) { val v = {0}; v.kind = V_UINT; v.as.u = u; return v; }
static inline val val_double(double d) { val v = {0}; v.kind = V_DOUBLE; v.as.d = d; return v; }
static inline val val_type(int t) { val v = {0}; v.kind = V_TYPE; v.aux = t; return v; }
static inline val val_duration(int64_t s, int32_t ns) {
  val v = {0}; v.kind = V_DURATION; v.as.i = s; v.aux = ns; return v;
}
static inline val val_timestamp(int64_t s, int32_t ns) {
  val v = {0}; v.kind = V_TIMESTAMP; v.as.i = s; v.aux = ns; return v;
}
static inline bool val_is_err(val v) { return v.kind == V_ERROR; }

/* ---- constructors for objects; on out of memory they return a
 * V_ERROR of kind ERR_NOMEM (a static object, so this never fails) ---- */

/* A string of [n] bytes copied from [s]. The caller guarantees UTF-8. */
POL_INTERNAL val val_string(arena *a, const char *s, size_t n);
POL_INTERNAL val val_cstring(arena *a, const char *s);
POL_INTERNAL val val_bytes(arena *a, const void *s, size_t n);
/* An uninitialised string/bytes object of [n] bytes to fill in place:
 * fill ->data, then call str_seal() to compute the hash, or leave it
 * unhashed (hash 0, see struct str). NULL on OOM. */
POL_INTERNAL str *str_alloc(arena *a, size_t n);
POL_INTERNAL void str_seal(str *s);
POL_INTERNAL val val_from_str(int kind, str *s);
/* A list of [n] items copied from [items] (may be NULL: zeroed). */
POL_INTERNAL val val_list(arena *a, const val *items, size_t n);
POL_INTERNAL list *list_alloc(arena *a, size_t n);
/* A map from [n] keys and values. Duplicate keys give an ERR_INVALID error
 * ("repeated key"); a key that is not bool/int/uint/string gives
 * ERR_INVALID too. */
POL_INTERNAL val val_map(arena *a, const val *keys, const val *vals, size_t n);
/* val_map for keys that are all strings with their hash computed (a
 * JSON object's), which need no checking of their kinds. */
POL_INTERNAL val val_map_strings(arena *a, const val *keys, const val *vals,
                                 size_t n);
/* val_map_strings in two steps, for a caller that fills the entries in
 * place: map_new gives a map of [n] entries (one allocation with its
 * index; NULL when out of memory) whose ->keys[i] and ->vals[i] it sets,
 * all of them, keys strings with their hash; then map_strings_done
 * indexes it and returns it as a value, or ERR_INVALID at a repeated
 * key (the map is then garbage). A map of one entry or none needs no
 * map_strings_done: it is complete. */
static inline map *map_new(arena *a, size_t n) {
  if (n > UINT32_MAX / 4)
    return NULL;
  size_t nb = n > MAP_LINEAR_MAX ? 16 : 0;
  while (nb && nb < 2 * n)
    nb *= 2;
  map *m = arena_alloc_fast(a, sizeof *m + 2 * n * sizeof(val) +
                                   nb * sizeof(uint32_t));
  if (!m)
    return NULL;
  val *kv = (val *)(m + 1); /* value.c asserts the alignment */
  *m = (map){(uint32_t)n, (uint32_t)nb, nb ? (uint32_t *)(kv + 2 * n) : NULL,
             kv, kv + n, {NULL, 0, ORIGIN_NONE}};
  if (nb)
    memset(m->buckets, 0, nb * sizeof(uint32_t));
  return m;
}
POL_INTERNAL val map_strings_done(arena *a, map *m);

/* Errors. [loc] is a source offset or -1; the message is formatted into
 * the arena (falls back to a static message on OOM). */
POL_INTERNAL val val_err(arena *a, err_kind k, const char *fmt, ...)
    POL_PRINTF(3, 4);
POL_INTERNAL val val_absent(arena *a, const char *path);
/* An absent error with the short message "no such key", for the VM,
 * which knows where it happened (vm_err_describe says the rest). */
POL_INTERNAL val val_absent_key(arena *a);
/* A missing field [field] (borrowed: a program constant), with a short
 * message the VM replaces by one naming the whole path as written. */
POL_INTERNAL val val_absent_field(arena *a, const char *field);
POL_INTERNAL val val_nomem(void);
/* The error of an operation whose charge found the step budget spent
 * (cost.h): a static object, like val_nomem's, which the VM turns into
 * its located step-limit error. */
POL_INTERNAL val val_over_budget(void);
POL_INTERNAL bool val_is_over_budget(val v);
/* "no matching overload for 'op' applied to (int, string)" */
POL_INTERNAL val val_no_overload(arena *a, const char *op, const val *args,
                                 int nargs);

/* ---- queries ---- */
POL_INTERNAL const char *val_kind_name(int kind); /* "int", "list", ... */
/* The CEL type name of a V_TYPE's aux: "int", "google.protobuf.Duration",
 * "null_type", "type", "dyn", "optional_type". */
POL_INTERNAL const char *val_type_name(int t);
/* Whether [s] is the name val_type_name gives a type other than error
 * ("int", "map", "null_type", ...). */
POL_INTERNAL bool val_is_type_name(const char *s);
/* CEL equality; numbers compare across int/uint/double by value.
 * Never an error: values of different kinds are unequal. */
POL_INTERNAL bool val_equal(val a, val b);
/* val_equal charging the step budget of [m] (cost.h): 1 per item or
 * entry compared at any depth, 1 per 16 bytes of text. When the budget
 * runs out it stops and returns false, with m->over_steps set. */
POL_INTERNAL bool val_equal_metered(arena *m, val a, val b);
/* Charge [m]'s budget for reading all of [v], as printing or copying it
 * does: 1 step per item or entry and 1 per 16 bytes of text, at every
 * depth (cost.h). false, stopping there, when the budget runs out. */
POL_INTERNAL bool val_charge_whole(arena *m, val v);
/* CEL ordering for < <= > >=: sets *cmp to -1/0/1. Returns false when
 * the two cannot be ordered: *cmp is 2 when both are numbers and a NaN is
 * involved ("unordered": every comparison is false), 3 when their kinds
 * have no ordering between them (no overload: 'a' < 1.0, null < null). */
POL_INTERNAL bool val_compare(val a, val b, int *cmp);
POL_INTERNAL uint32_t val_hash_bytes(const void *p, size_t n);
/* The hash of the bytes hashed into [h] followed by [p]/[n]. */
POL_INTERNAL uint32_t val_hash_continue(uint32_t h, const void *p, size_t n);
/* The hash of [s]: the cached one, or computed now (not stored: see
 * struct str). */
static inline uint32_t str_hash(const str *s) {
  return s->hash ? s->hash : val_hash_bytes(s->data, s->len);
}
/* Map lookup by CEL key equality (a double key finds an integral int/uint
 * key). Returns NULL when absent. */
POL_INTERNAL const val *map_get(const map *m, val key);
/* Whether the [n] bytes at [x] and [y] are the same: keys and short
 * strings by a few word loads (the first and last 8, or 4, bytes, which
 * overlap), longer ones by memcmp. The VM's hinted keys and the JSON
 * reader's shared keys compare through it. */
static inline bool val_bytes_eq(const char *x, const char *y, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, b, c, d;
    memcpy(&a, x, 8), memcpy(&b, y, 8);
    memcpy(&c, x + n - 8, 8), memcpy(&d, y + n - 8, 8);
    return a == b && c == d;
  }
  if (n >= 4 && n < 8) {
    uint32_t a, b, c, d;
    memcpy(&a, x, 4), memcpy(&b, y, 4);
    memcpy(&c, x + n - 4, 4), memcpy(&d, y + n - 4, 4);
    return a == b && c == d;
  }
  if (n < 4) /* the first, middle and last byte: all of them */
    return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] &&
                      x[n - 1] == y[n - 1]);
  return memcmp(x, y, n) == 0;
}
/* Lookup by string key with a precomputed hash (field selection), in
 * the header so that the VM's selections inline it: every key compares
 * its cached hash first, so the bytes are compared only for the key
 * that (almost surely) matches. */
static inline const val *map_get_str(const map *m, const char *s, size_t n,
                                     uint32_t hash) {
  if (!m->nbuckets) {
    for (uint32_t i = 0; i < m->n; i++) {
      const str *k = m->keys[i].as.s;
      if (m->keys[i].kind == V_STRING && k->hash == hash && k->len == n &&
          (k->data == s || memcmp(k->data, s, n) == 0))
        return &m->vals[i];
    }
    return NULL;
  }
  uint32_t mask = m->nbuckets - 1;
  for (uint32_t h = hash & mask;; h = (h + 1) & mask) {
    uint32_t e = m->buckets[h];
    if (!e)
      return NULL;
    const str *k = m->keys[e - 1].as.s;
    if (m->keys[e - 1].kind == V_STRING && k->hash == hash && k->len == n &&
        (k->data == s || memcmp(k->data, s, n) == 0))
      return &m->vals[e - 1];
  }
}
/* Copy [v] and everything it points to into arena [a]. The copies of
 * containers have ORIGIN_NONE. */
POL_INTERNAL val val_deepcopy(arena *a, val v);
/* Make the map [root] the variables of a fact set: mark it ORIGIN_ROOT
 * and set the origin of every container below it, so reads of them are
 * fact reads. Containers nested deeper than POL_MAX_JSON_DEPTH keep
 * theirs (their reads are then not traced). */
POL_INTERNAL void val_adopt(map *root);
/* What val_adopt does to the containers directly in the container [v],
 * [depth] levels below the root (the root's own are at 1): each gets [v]
 * as its parent. After a fact set's containers on one path were copied
 * (pol_facts_assume), their children and the new value are all that
 * val_adopt would change: the rest keeps the origins it has. */
POL_INTERNAL void val_adopt_kids(val v, int depth);
/* What val_adopt does below the container [v], whose own entries are
 * [depth] levels below the root: every container in it, at any depth. */
POL_INTERNAL void val_adopt_below(val v, int depth);
/* val_adopt for a map of the arena [a] built from values that may be
 * another fact set's or appear twice (pol_facts_load_value): those are
 * copied into [a] first, so that adopting writes only into [a] and each
 * container has one place. false on out of memory. */
POL_INTERNAL bool val_adopt_own(arena *a, map *root);
/* val_adopt for a map whose containers already carry their origins (the
 * JSON reader of a fact set links them as it reads): marks it the root. */
static inline void val_adopt_root(map *root) {
  root->o = (origin){NULL, 0, ORIGIN_ROOT};
}
/* Whether a container belongs to a fact set (val_adopt marked it). */
static inline bool map_is_adopted(const map *m) {
  return m->o.kind != ORIGIN_NONE;
}
static inline bool list_is_adopted(const list *l) {
  return l->o.kind != ORIGIN_NONE;
}

/* ---- UTF-8 ---- */
/* true if [s] of [n] bytes is valid UTF-8 (no surrogates, no overlongs). */
POL_INTERNAL bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
POL_INTERNAL size_t utf8_count(const char *s, size_t n);
/* Decode one code point at s[*i], advancing *i; -1 on invalid input. */
POL_INTERNAL int32_t utf8_decode(const char *s, size_t n, size_t *i);
/* Encode [cp] into out (4 bytes room); returns bytes written. */
POL_INTERNAL int utf8_encode(uint32_t cp, char *out);
/* Terminal columns [cp] takes: 2 for East Asian wide and fullwidth
 * characters (CJK, kana, Hangul, fullwidth forms), 0 for combining
 * marks, else 1. Used to line up carets and report columns. */
POL_INTERNAL int utf8_cp_width(uint32_t cp);
/* Terminal columns of the valid UTF-8 text [s] of [n] bytes. */
POL_INTERNAL size_t utf8_width(const char *s, size_t n);

/* ---- printing (print.c) ---- */
/* A growable byte buffer on the heap (not an arena), through its mem. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
  bool oom;
  mem m;  /* the allocator of whoever owns the buffer */
} sbuf;
/* Start [b] empty, its text allocated through [m] (copied; NULL: libc). */
POL_INTERNAL void sb_init(sbuf *b, const mem *m);
POL_INTERNAL void sb_free(sbuf *b);
/* Empty [b] for new text and forget an earlier out of memory, so that
 * the next append tries to allocate again (a handle's buffer is reused
 * call after call). */
POL_INTERNAL void sb_reset(sbuf *b);
/* Make room for [n] more bytes and a NUL; false (and oom set) if not. */
POL_INTERNAL bool sb_reserve(sbuf *b, size_t n);
POL_INTERNAL void sb_puts(sbuf *b, const char *s);

/* Append the [n] bytes at [s] (may hold NULs). Inline: renderers append
 * in small pieces, and the room is almost always there already. */
static inline void sb_put(sbuf *b, const char *s, size_t n) {
  if ((b->oom || n >= b->cap - b->len) && !sb_reserve(b, n))
    return;
  if (n)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

/* Append the byte [c]. */
static inline void sb_putc(sbuf *b, char c) {
  if ((b->oom || b->cap - b->len <= 1) && !sb_reserve(b, 1))
    return;
  b->p[b->len++] = c;
  b->p[b->len] = '\0';
}
POL_INTERNAL void sb_printf(sbuf *b, const char *fmt, ...) POL_PRINTF(2, 3);
POL_INTERNAL void sb_vprintf(sbuf *b, const char *fmt, va_list ap);
POL_INTERNAL void sb_put_uint(sbuf *b, uint64_t x);
POL_INTERNAL void sb_put_int(sbuf *b, int64_t x);
/* Append [v] as CEL literal text: 1, 1u, 1.0, "s", b"\x00", [1, 2],
 * {"a": 1}, duration("1.5s"), timestamp("2009-02-13T23:31:30Z"), int,
 * optional.of(1), optional.none(). Errors print as error("message"). */
POL_INTERNAL void val_print(sbuf *b, val v);
/* The double [d] as val_print prints it, without its fast path: for the
 * test that compares the two (test_print.c). */
POL_INTERNAL void val_print_double_slow(sbuf *b, double d);
/* Append the bytes [s]/[n] as val_print prints a string ([bytes] false)
 * or bytes value, without making the value. */
POL_INTERNAL void val_print_text(sbuf *b, const char *s, size_t n,
                                 bool bytes);

#endif
