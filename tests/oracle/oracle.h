/*
 * oracle.h: a differential oracle for libpol's expressions, written from
 * docs/language.md and cel-spec without reading or reusing lib/: its own
 * values (value.c), a tree-walking evaluator (eval.c), a generator of
 * random facts and well-typed expressions over them (gen.c), the printing
 * of an expression as CEL text (print.c), and the driver that compares
 * the evaluator with pol_compile_expr + pol_eval and shrinks each
 * disagreement to a small reproducer (main.c). docs/limits.md describes
 * what it covers.
 *
 * The subset: null, bool, int, uint, double, string, list, map; + - * / %
 * with CEL's overflow errors; == != < <= > >= across numeric kinds; && ||
 * with error absorption in either order; ?:; in; size; has; selection and
 * indexing; the macros all, exists, exists_one, map and filter.
 *
 * Memory: everything an expression needs (nodes, values) comes from one
 * pool, freed in one step when the expression is done.
 */
#ifndef POL_ORACLE_H
#define POL_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ==== pool ================================================================ */

typedef struct pool_chunk pool_chunk;
typedef struct pool {
  pool_chunk *head;
} pool;

/* [n] zeroed bytes that live until pool_clear; exits on out of memory
 * (a test program has nothing better to do). */
void *pool_alloc(pool *p, size_t n);
void pool_clear(pool *p);

/* ==== values ============================================================== */

typedef enum {
  K_NULL, K_BOOL, K_INT, K_UINT, K_DOUBLE, K_STRING, K_LIST, K_MAP, K_ERROR,
  K_COUNT
} okind;

/* Error categories: what the oracle and libpol's message must agree on
 * (libpol's text is classified in main.c). */
typedef enum {
  E_ABSENT,   /* no such variable or key */
  E_OVERLOAD, /* no matching overload: operand kinds the operator lacks */
  E_OVERFLOW, /* integer overflow, uint below zero */
  E_DIVZERO,
  E_MODZERO,
  E_INDEX,    /* list index out of range */
  E_SELECT,   /* field selection on a value that is not a map */
  E_ITER,     /* a macro over a value that is not a list or map */
  E_DUPKEY,   /* a map literal with a repeated key */
  E_KEYTYPE,  /* a map key that is not bool, int, uint or string */
  E_OTHER,
  E_COUNT
} oerr;

typedef struct ov ov;
struct ov {
  okind k;
  bool fact;  /* K_ERROR E_ABSENT: a missing fact (a lookup on the fact
                 tree failed), carried wherever the error goes: has()
                 through it is false (docs/language.md, has()).
                 K_MAP, K_LIST: a container of the fact tree, so a
                 lookup in it that fails is a missing fact */
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    oerr e;
    struct { const char *p; size_t n; } s;
    struct { size_t n; ov *items; } l;
    struct { size_t n; ov *keys, *vals; } m; /* insertion order */
  } as;
};

ov ov_null(void);
ov ov_bool(bool b);
ov ov_int(int64_t i);
ov ov_uint(uint64_t u);
ov ov_double(double d);
ov ov_err(oerr e);
ov ov_string(pool *p, const char *s, size_t n);
const char *ov_kind_name(okind k);
const char *ov_err_name(oerr e);

/* CEL equality: numbers by value across kinds, NaN equal to nothing,
 * lists item by item, maps by key set and values; other kinds unequal. */
bool ov_equal(ov a, ov b);
/* CEL ordering of numbers (across kinds), strings (bytes), bools: *cmp
 * gets -1/0/1, or 2 when a NaN makes them unordered. false: no ordering
 * exists for these kinds. */
bool ov_order(ov a, ov b, int *cmp);
/* The value of [key] in map [m] (a double key finds the int or uint key
 * of exactly its value, int and uint keys find each other), or NULL. */
const ov *ov_map_get(ov m, ov key);
/* Code points of a valid UTF-8 string. */
size_t ov_utf8_len(const char *s, size_t n);
/* [v] as JSON text (lists, maps with string keys, scalars but NaN and
 * infinities) appended to the malloc'd buffer *[buf] of length *[len]. */
void ov_json(char **buf, size_t *len, ov v);
/* Append printf text to a malloc'd buffer. */
void buf_printf(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ==== expressions ========================================================= */

typedef enum {
  N_LIT,    /* lit */
  N_IDENT,  /* name: a macro variable, else a fact */
  N_SELECT, /* kids[0].name */
  N_HAS,    /* has(kids[0].name) */
  N_INDEX,  /* kids[0][kids[1]] */
  N_UNARY,  /* op kids[0] */
  N_BINARY, /* kids[0] op kids[1] */
  N_AND,
  N_OR,
  N_COND,   /* kids[0] ? kids[1] : kids[2] */
  N_LIST,   /* [kids...] */
  N_MAP,    /* {kids[0]: kids[1], kids[2]: kids[3], ...} */
  N_SIZE,   /* size(kids[0]), or kids[0].size() when op is 1 */
  N_MACRO   /* kids[0].op(name, kids[1]) */
} nkind;

typedef enum {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN,
  OP_NEG, OP_NOT
} oop;

typedef enum { M_ALL, M_EXISTS, M_EXISTS_ONE, M_MAP, M_FILTER } omacro;

typedef struct node node;
struct node {
  nkind k;
  int op;           /* oop, omacro, or the size() style */
  ov lit;
  const char *name;
  int nkids;
  node **kids;
};

node *node_new(pool *p, nkind k, int op, int nkids);

/* ==== evaluation ========================================================== */

/* Evaluate [n] with the variables of the map [facts]. */
ov eval(pool *p, const node *n, ov facts);

/* ==== printing ============================================================ */

/* How literals print: as CEL literals, or as variables c0, c1, ... (in
 * order of appearance), which no compiler can fold; *consts then gets
 * the values those variables need. */
typedef struct consts {
  ov *vals;
  size_t n, cap;
} consts;

/* [n] as CEL text, malloc'd; [c] NULL prints literals as literals. */
char *print_expr(const node *n, consts *c);
/* [v] as a CEL literal (scalars only; a double with its exact value). */
void print_literal(char **buf, size_t *len, ov v);

/* ==== generation ========================================================== */

typedef struct rng {
  uint64_t s;
} rng;
uint64_t rng_next(rng *r);
/* Uniform in 0..n-1 (n > 0). */
unsigned rng_below(rng *r, unsigned n);
/* True with probability [pct] percent. */
bool rng_chance(rng *r, unsigned pct);

typedef struct gen gen;
/* A generator of facts and expressions, deterministic from [seed]. */
gen *gen_new(uint64_t seed);
void gen_free(gen *g);
/* New random facts (a map of variables f0, f1, ...) into [p]; they stay
 * the generator's until the next call. */
ov gen_facts(gen *g, pool *p);
/* A random expression over the current facts, in [p]. */
node *gen_expr(gen *g, pool *p);

#endif
