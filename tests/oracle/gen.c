/*
 * gen.c: random facts and random well-typed expressions over them,
 * deterministic from a seed (splitmix64).
 *
 * Facts are a map of variables f0, f1, ... holding scalars, lists and
 * maps nested up to three deep: only what JSON carries, since the driver
 * loads them into libpol as JSON (so a uint is above the int range, and
 * no double is NaN or infinite). Every path into them is recorded with
 * its type, so that an expression of a given type can read one.
 *
 * Expressions are built for a wanted static type, from productions that
 * give that type. Literals come from sets of edge values (the int range's
 * ends, -1, 0, 2^53 + 1 as a double, ...), so that overflow, division by
 * zero, indexes out of range and cross-kind comparisons happen often. A
 * few percent of subexpressions get a random other type, and a few paths
 * name a missing key or variable, so that errors and their absorption by
 * && || ?: and the macros are exercised too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

/* Static types: a kind, and for lists and maps the kind of their items
 * (T_DYN: mixed; T_ANY: empty, so any). */
enum { T_DYN = K_COUNT, T_ANY };
typedef struct otype {
  unsigned char k, e;
} otype;

#define MAX_STEPS 6
#define MAX_PATHS 512
#define MAX_VARS 8

typedef struct step {
  bool list;      /* an index into a list, else a map key */
  size_t pos;
  const char *key;
} step;

typedef struct fpath {
  const char *root;
  int nsteps;
  step steps[MAX_STEPS];
  otype t;
} fpath;

struct gen {
  rng r;
  pool *p;
  ov facts;
  fpath paths[MAX_PATHS];
  int npaths;
  const char *var_name[MAX_VARS];
  otype var_type[MAX_VARS];
  int nvars;
  int budget; /* nodes the expression may still grow by */
};

/* ==== random numbers ===================================================== */

uint64_t rng_next(rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

unsigned rng_below(rng *r, unsigned n) { return (unsigned)(rng_next(r) % n); }

bool rng_chance(rng *r, unsigned pct) { return rng_below(r, 100) < pct; }

#define PICK(g, a) ((a)[rng_below(&(g)->r, sizeof(a) / sizeof((a)[0]))])

/* ==== edge values ======================================================== */

static const int64_t ints[] = {0, 1, -1, 2, 3, 7, -7, 10, 100, 255,
                               INT64_MAX, INT64_MIN, INT64_MAX - 1,
                               INT64_MIN + 1, 3037000499, -3037000500,
                               4294967296, -2147483648, 4611686018427387904};
static const uint64_t uints[] = {
    0, 1, 2, 3, 7, 10, 255, UINT64_MAX, UINT64_MAX - 1,
    9223372036854775808u, 4294967296u, 4294967295u, 9223372036854775807u};
/* uints JSON reads as uints: above the int range. */
static const uint64_t big_uints[] = {9223372036854775808u, UINT64_MAX,
                                     9223372036854775813u};
static const double doubles[] = {0.0, -0.0, 0.5, 1.0, -1.0, -1.5, 2.0, 3.0,
                                 7.0, 0.1, 1e300, -1e300, 1e-300,
                                 9007199254740993.0, 9223372036854775808.0,
                                 -9223372036854775808.0,
                                 18446744073709551616.0, 4.9e-324};
static const char *const strings[] = {"", "a", "b", "ab", "JP", "US",
                                      "日本", "é", "a\"b", "\\", "zz", "k"};
/* Map keys of facts and map literals; "a-b" and "日本" need m["..."]. */
static const char *const keys[] = {"a", "b", "c", "k", "x1", "a-b", "日本"};
static const char *const var_names[] = {"x", "y", "z", "w", "v", "u", "t",
                                        "s"};

static bool is_ident(const char *s) {
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9' && c > s)))
      return false;
  return *s != '\0';
}

static ov scalar(gen *g, okind k, bool json) {
  switch (k) {
  case K_NULL: return ov_null();
  case K_BOOL: return ov_bool(rng_below(&g->r, 2));
  case K_INT:
    return rng_chance(&g->r, 40) ? ov_int((int64_t)rng_below(&g->r, 9) - 3)
                                 : ov_int(PICK(g, ints));
  case K_UINT: return ov_uint(json ? PICK(g, big_uints) : PICK(g, uints));
  case K_DOUBLE: return ov_double(PICK(g, doubles));
  default: {
    const char *s = PICK(g, strings);
    return ov_string(g->p, s, strlen(s));
  }
  }
}

static okind scalar_kind(gen *g) {
  static const okind k[] = {K_NULL, K_BOOL, K_INT, K_INT, K_UINT,
                            K_DOUBLE, K_STRING, K_STRING};
  return PICK(g, k);
}

/* ==== facts ============================================================== */

static ov value(gen *g, int depth);

static ov list_value(gen *g, int depth) {
  size_t n = rng_below(&g->r, 5);
  ov *items = pool_alloc(g->p, (n + 1) * sizeof *items);
  okind k = scalar_kind(g);
  bool mixed = rng_chance(&g->r, 20);
  for (size_t i = 0; i < n; i++)
    items[i] = mixed ? value(g, depth - 1) : scalar(g, k, true);
  return (ov){.k = K_LIST, .as.l = {n, items}};
}

static ov map_value(gen *g, int depth) {
  size_t n = 1 + rng_below(&g->r, 4), m = 0;
  ov *ks = pool_alloc(g->p, n * sizeof *ks);
  ov *vs = pool_alloc(g->p, n * sizeof *vs);
  okind k = scalar_kind(g);
  bool mixed = rng_chance(&g->r, 50);
  for (size_t i = 0; i < n; i++) {
    const char *key = PICK(g, keys);
    ov kv = ov_string(g->p, key, strlen(key));
    if (ov_map_get((ov){.k = K_MAP, .as.m = {m, ks, vs}}, kv))
      continue;
    ks[m] = kv;
    vs[m++] = mixed ? value(g, depth - 1) : scalar(g, k, true);
  }
  return (ov){.k = K_MAP, .as.m = {m, ks, vs}};
}

static ov value(gen *g, int depth) {
  unsigned r = rng_below(&g->r, 10);
  if (depth <= 0 || r < 5)
    return scalar(g, scalar_kind(g), true);
  return r < 7 ? list_value(g, depth) : map_value(g, depth);
}

/* The static type of the value [v]. */
static otype type_of(ov v) {
  if (v.k != K_LIST && v.k != K_MAP)
    return (otype){(unsigned char)v.k, 0};
  size_t n = v.k == K_LIST ? v.as.l.n : v.as.m.n;
  const ov *items = v.k == K_LIST ? v.as.l.items : v.as.m.vals;
  otype t = {(unsigned char)v.k, T_ANY};
  for (size_t i = 0; i < n; i++) {
    bool scalar_item = items[i].k != K_LIST && items[i].k != K_MAP;
    if (!scalar_item || (t.e != T_ANY && t.e != items[i].k))
      return (otype){(unsigned char)v.k, T_DYN};
    t.e = (unsigned char)items[i].k;
  }
  return t;
}

/* Record [v], reached from [at], and every path below it. */
static void record(gen *g, const fpath *at, ov v) {
  if (g->npaths == MAX_PATHS)
    return;
  fpath *p = &g->paths[g->npaths++];
  *p = *at;
  p->t = type_of(v);
  if (at->nsteps == MAX_STEPS || (v.k != K_LIST && v.k != K_MAP))
    return;
  fpath next = *at;
  next.nsteps++;
  size_t n = v.k == K_LIST ? v.as.l.n : v.as.m.n;
  for (size_t i = 0; i < n; i++) {
    step *s = &next.steps[at->nsteps];
    s->list = v.k == K_LIST;
    s->pos = i;
    s->key = v.k == K_MAP ? v.as.m.keys[i].as.s.p : NULL;
    record(g, &next, v.k == K_LIST ? v.as.l.items[i] : v.as.m.vals[i]);
  }
}

ov gen_facts(gen *g, pool *p) {
  static const char *const roots[] = {"f0", "f1", "f2", "f3", "f4", "f5"};
  size_t n = 3 + rng_below(&g->r, 4);
  g->p = p;
  g->npaths = 0;
  ov *ks = pool_alloc(p, n * sizeof *ks), *vs = pool_alloc(p, n * sizeof *vs);
  for (size_t i = 0; i < n; i++) {
    ks[i] = ov_string(p, roots[i], 2);
    vs[i] = value(g, 3);
    fpath root = {.root = ks[i].as.s.p};
    record(g, &root, vs[i]);
  }
  g->facts = (ov){.k = K_MAP, .as.m = {n, ks, vs}};
  return g->facts;
}

gen *gen_new(uint64_t seed) {
  gen *g = calloc(1, sizeof *g);
  if (!g)
    exit(2);
  g->r.s = seed;
  return g;
}

void gen_free(gen *g) { free(g); }

/* ==== expressions: leaves ================================================= */

static node *expr_of(gen *g, otype t, int depth);

static node *lit(gen *g, ov v) {
  node *n = node_new(g->p, N_LIT, 0, 0);
  n->lit = v;
  return n;
}

static node *ident(gen *g, const char *name) {
  node *n = node_new(g->p, N_IDENT, 0, 0);
  n->name = name;
  return n;
}

static node *select_(gen *g, node *of, const char *field) {
  node *n = node_new(g->p, N_SELECT, 0, 1);
  n->kids[0] = of;
  n->name = field;
  return n;
}

static node *index_(gen *g, node *of, node *at) {
  node *n = node_new(g->p, N_INDEX, 0, 2);
  n->kids[0] = of;
  n->kids[1] = at;
  return n;
}

/* A list position as an int, sometimes as a uint or an integral
 * double (both index lists too). */
static node *position(gen *g, size_t pos) {
  unsigned r = rng_below(&g->r, 10);
  if (r == 0)
    return lit(g, ov_uint(pos));
  if (r == 1)
    return lit(g, ov_double((double)pos));
  return lit(g, ov_int((int64_t)pos));
}

/* The expression reading fact path [p]: selections where the key is an
 * identifier (mostly), indexing otherwise. */
static node *path_expr(gen *g, const fpath *p) {
  node *n = ident(g, p->root);
  for (int i = 0; i < p->nsteps; i++) {
    const step *s = &p->steps[i];
    if (s->list)
      n = index_(g, n, position(g, s->pos));
    else if (is_ident(s->key) && rng_chance(&g->r, 70))
      n = select_(g, n, s->key);
    else
      n = index_(g, n, lit(g, ov_string(g->p, s->key, strlen(s->key))));
  }
  return n;
}

static bool type_fits(otype want, otype have) {
  if (want.k == T_DYN)
    return true;
  if (want.k != have.k)
    return false;
  if (want.k != K_LIST && want.k != K_MAP)
    return true;
  return want.e == T_DYN || have.e == T_ANY || want.e == have.e;
}

/* A fact path of type [t], or NULL. */
static const fpath *find_path(gen *g, otype t) {
  int start = (int)rng_below(&g->r, (unsigned)g->npaths + 1);
  for (int i = 0; i < g->npaths; i++) {
    const fpath *p = &g->paths[(start + i) % g->npaths];
    if (type_fits(t, p->t))
      return p;
  }
  return NULL;
}

/* A macro variable of type [t] in scope, or NULL. */
static const char *find_var(gen *g, otype t) {
  for (int i = g->nvars - 1; i >= 0; i--)
    if (type_fits(t, g->var_type[i]) && rng_chance(&g->r, 70))
      return g->var_name[i];
  return NULL;
}

static otype scalar_type(gen *g) {
  return (otype){(unsigned char)scalar_kind(g), 0};
}

static node *literal_of(gen *g, otype t);

/* A key for pair [i] of the map literal [m]: mostly one its earlier
 * pairs do not have (a repeated key is an error, tested now and then). */
static const char *fresh_key(gen *g, const node *m, int i) {
  const char *key = PICK(g, keys);
  for (int tries = 0; tries < 8 && rng_chance(&g->r, 95); tries++) {
    bool used = false;
    for (int j = 0; j < i; j++) {
      const node *k = m->kids[2 * j];
      used |= k->k == N_LIT && k->lit.k == K_STRING &&
              strcmp(k->lit.as.s.p, key) == 0;
    }
    if (!used)
      break;
    key = PICK(g, keys);
  }
  return key;
}

/* A list or map literal of [t] with a few literal items. */
static node *container_literal(gen *g, otype t) {
  int n = (int)rng_below(&g->r, 4);
  bool map = t.k == K_MAP;
  node *c = node_new(g->p, map ? N_MAP : N_LIST, 0, map ? 2 * n : n);
  for (int i = 0; i < n; i++) {
    otype e = t.e >= T_DYN ? scalar_type(g) : (otype){t.e, 0};
    node *item = literal_of(g, e);
    if (!map) {
      c->kids[i] = item;
      continue;
    }
    const char *key = fresh_key(g, c, i);
    c->kids[2 * i] = lit(g, ov_string(g->p, key, strlen(key)));
    c->kids[2 * i + 1] = item;
  }
  return c;
}

static node *literal_of(gen *g, otype t) {
  if (t.k == T_DYN)
    t = scalar_type(g);
  if (t.k == K_LIST || t.k == K_MAP)
    return container_literal(g, t);
  return lit(g, scalar(g, (okind)t.k, false));
}

/* A missing variable or key: an absent error of any type. */
static node *missing(gen *g) {
  const fpath *p = find_path(g, (otype){K_MAP, T_DYN});
  if (!p || rng_chance(&g->r, 30))
    return ident(g, "nope");
  return select_(g, path_expr(g, p), "zz");
}

static node *leaf(gen *g, otype t) {
  unsigned r = rng_below(&g->r, 100);
  const char *v;
  const fpath *p;
  if (r < 1) /* one leaf in a hundred: expressions have a dozen */
    return missing(g);
  if (r < 30 && (v = find_var(g, t)))
    return ident(g, v);
  if (r < 65 && g->npaths && (p = find_path(g, t)))
    return path_expr(g, p);
  return literal_of(g, t);
}

/* ==== expressions: productions ============================================ */

static const otype T_BOOL = {K_BOOL, 0}, T_INT = {K_INT, 0},
                   T_STRING = {K_STRING, 0};

static node *op_node(gen *g, nkind k, int op, node *a, node *b) {
  node *n = node_new(g->p, k, op, b ? 2 : 1);
  n->kids[0] = a;
  if (b)
    n->kids[1] = b;
  return n;
}

static node *cond(gen *g, otype t, int d) {
  node *n = node_new(g->p, N_COND, 0, 3);
  n->kids[0] = expr_of(g, T_BOOL, d);
  n->kids[1] = expr_of(g, t, d);
  n->kids[2] = expr_of(g, t, d);
  return n;
}

static otype list_of(otype e) {
  return (otype){K_LIST, e.k == K_LIST || e.k == K_MAP ? T_DYN : e.k};
}

/* The value of [n] as far as the generator can know it: evaluated now
 * (an error when it reads a macro variable). */
static ov peek(gen *g, const node *n) { return eval(g->p, n, g->facts); }

/* A key of the map [m] (mostly one it has, when its value is known), as
 * a selection where it is an identifier, else by indexing. */
static node *map_key(gen *g, node *m) {
  const char *key = PICK(g, keys);
  ov v = peek(g, m);
  if (v.k == K_MAP && v.as.m.n && rng_chance(&g->r, 80)) {
    ov k = v.as.m.keys[rng_below(&g->r, (unsigned)v.as.m.n)];
    if (k.k == K_STRING && !memchr(k.as.s.p, 0, k.as.s.n))
      key = k.as.s.p;
  }
  return is_ident(key) && rng_chance(&g->r, 50)
             ? select_(g, m, key)
             : index_(g, m, lit(g, ov_string(g->p, key, strlen(key))));
}

/* An item of a list of [t]: l[i]; or a value of a map of [t]: m.k. Keys
 * and positions are mostly ones the container has, when known. */
static node *element(gen *g, otype t, int d) {
  bool map = rng_chance(&g->r, 40);
  otype ct = map ? (otype){K_MAP, list_of(t).e} : list_of(t);
  const fpath *p = find_path(g, t);
  if (p && p->nsteps > 0 && rng_chance(&g->r, 40))
    return path_expr(g, p); /* an item of some fact's list or map */
  node *c = expr_of(g, ct, d);
  if (map)
    return map_key(g, c);
  ov v = peek(g, c);
  size_t n = v.k == K_LIST && v.as.l.n && rng_chance(&g->r, 80) ? v.as.l.n
                                                                 : 4;
  return index_(g, c, position(g, rng_below(&g->r, (unsigned)n)));
}

/* A macro over a list (or a map's keys) whose variable has type [vt],
 * with a body of type [bt]. */
static node *macro(gen *g, int m, otype vt, otype bt, int d) {
  bool over_map = vt.k == K_STRING && rng_chance(&g->r, 30);
  node *n = node_new(g->p, N_MACRO, m, 2);
  n->kids[0] = expr_of(g, over_map ? (otype){K_MAP, T_DYN} : list_of(vt), d);
  if (g->nvars == MAX_VARS)
    return n->kids[0];
  bool shadow = g->nvars > 0 && rng_chance(&g->r, 15);
  n->name = shadow ? g->var_name[g->nvars - 1] : var_names[g->nvars];
  g->var_name[g->nvars] = n->name;
  g->var_type[g->nvars++] = vt;
  n->kids[1] = expr_of(g, bt, d);
  g->nvars--;
  return n;
}

static node *arith(gen *g, otype t, int d) {
  static const int ops[] = {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD};
  int nops = t.k == K_DOUBLE ? 4 : t.k == K_INT || t.k == K_UINT ? 5 : 1;
  int op = ops[rng_below(&g->r, (unsigned)nops)];
  if ((t.k == K_INT || t.k == K_DOUBLE) && rng_chance(&g->r, 15))
    return op_node(g, N_UNARY, OP_NEG, expr_of(g, t, d), NULL);
  return op_node(g, N_BINARY, op, expr_of(g, t, d), expr_of(g, t, d));
}

/* size(x) or x.size() of a string, list or map. */
static node *size(gen *g, int d) {
  static const otype of[] = {{K_STRING, 0}, {K_LIST, T_DYN}, {K_MAP, T_DYN}};
  node *x = expr_of(g, PICK(g, of), d);
  return op_node(g, N_SIZE, (int)rng_below(&g->r, 2), x, NULL);
}

/* Operand types of a comparison: alike, or two numeric kinds. */
static void comparable(gen *g, otype *a, otype *b, bool ordering) {
  static const okind num[] = {K_INT, K_UINT, K_DOUBLE};
  if (rng_chance(&g->r, 35)) {
    *a = (otype){(unsigned char)PICK(g, num), 0};
    *b = (otype){(unsigned char)PICK(g, num), 0};
    return;
  }
  *a = ordering || rng_chance(&g->r, 70) ? scalar_type(g)
       : rng_chance(&g->r, 50)            ? (otype){K_LIST, T_DYN}
                                          : (otype){K_MAP, T_DYN};
  *b = *a;
}

/* The same number as another kind, where it has one: 1 as 1u or 1.0,
 * 2.0 as 2; else [v]. */
static ov other_kind(gen *g, ov v) {
  const int64_t exact = (int64_t)1 << 53; /* doubles hold these ints */
  bool to_uint = rng_below(&g->r, 2);
  if (v.k == K_INT && v.as.i >= 0 && to_uint)
    return ov_uint((uint64_t)v.as.i);
  if (v.k == K_INT && v.as.i >= -exact && v.as.i <= exact)
    return ov_double((double)v.as.i);
  if (v.k == K_UINT && v.as.u <= INT64_MAX)
    return ov_int((int64_t)v.as.u);
  if (v.k == K_DOUBLE && v.as.d >= -(double)exact &&
      v.as.d <= (double)exact && v.as.d == (double)(int64_t)v.as.d)
    return ov_int((int64_t)v.as.d);
  return v;
}

/* A copy of the literal tree [n] that CEL finds equal to it: numbers
 * of other kinds, map pairs in reverse order. Other nodes are shared. */
static node *twin(gen *g, node *n) {
  if (n->k == N_LIT)
    return lit(g, other_kind(g, n->lit));
  if (n->k != N_LIST && n->k != N_MAP)
    return n;
  node *t = node_new(g->p, n->k, 0, n->nkids);
  if (n->k == N_LIST) {
    for (int i = 0; i < n->nkids; i++)
      t->kids[i] = twin(g, n->kids[i]);
    return t;
  }
  for (int i = 0, pairs = n->nkids / 2; i < pairs; i++) {
    int j = pairs - 1 - i; /* reversed; the keys as they are */
    t->kids[2 * j] = n->kids[2 * i];
    t->kids[2 * j + 1] = twin(g, n->kids[2 * i + 1]);
  }
  return t;
}

/* x == y (or !=, or x in [.., y]) where y is a twin of the literal x:
 * deep equality across numeric kinds and map orders. */
static node *equal_twins(gen *g, int d) {
  static const otype ts[] = {{K_LIST, T_DYN}, {K_MAP, T_DYN}, {K_INT, 0},
                             {K_DOUBLE, 0}};
  node *a = literal_of(g, PICK(g, ts)), *b = twin(g, a);
  if (rng_chance(&g->r, 30)) {
    node *l = op_node(g, N_LIST, 0, expr_of(g, (otype){T_DYN, 0}, d), b);
    return op_node(g, N_BINARY, OP_IN, a, l);
  }
  return op_node(g, N_BINARY, rng_below(&g->r, 4) ? OP_EQ : OP_NE, a, b);
}

static node *comparison(gen *g, int d) {
  int op = OP_EQ + (int)rng_below(&g->r, 6);
  otype a, b;
  if (rng_chance(&g->r, 20))
    return equal_twins(g, d);
  comparable(g, &a, &b, op >= OP_LT);
  return op_node(g, N_BINARY, op, expr_of(g, a, d), expr_of(g, b, d));
}

/* A map literal whose keys are ints, uints, bools and strings, with
 * values of [vt]: where numeric keys meet (1 and 1u are one key). */
static node *mixed_key_map(gen *g, otype vt) {
  int n = 1 + (int)rng_below(&g->r, 3);
  node *m = node_new(g->p, N_MAP, 0, 2 * n);
  for (int i = 0; i < n; i++) {
    static const okind kk[] = {K_INT, K_UINT, K_BOOL, K_STRING, K_INT};
    m->kids[2 * i] = lit(g, scalar(g, PICK(g, kk), false));
    m->kids[2 * i + 1] = literal_of(g, vt);
  }
  return m;
}

static node *membership(gen *g, int d) {
  otype e = scalar_type(g);
  unsigned r = rng_below(&g->r, 3);
  if (r == 0)
    return op_node(g, N_BINARY, OP_IN, expr_of(g, e, d),
                   expr_of(g, list_of(e), d));
  if (r == 1)
    return op_node(g, N_BINARY, OP_IN, expr_of(g, T_STRING, d),
                   expr_of(g, (otype){K_MAP, T_DYN}, d));
  return op_node(g, N_BINARY, OP_IN, expr_of(g, scalar_type(g), d),
                 mixed_key_map(g, scalar_type(g)));
}

static node *has(gen *g, int d) {
  node *n = node_new(g->p, N_HAS, 0, 1);
  n->kids[0] = expr_of(g, (otype){K_MAP, T_DYN}, d);
  n->name = rng_chance(&g->r, 20) ? "zz" : PICK(g, keys);
  if (!is_ident(n->name))
    n->name = "a";
  return n;
}

/* A bool that fails: a missing fact, an overflow, a division by zero or
 * a non-bool, for && and || to absorb (or not). */
static node *failing(gen *g, int d) {
  switch (rng_below(&g->r, 4)) {
  case 0: return missing(g);
  case 1: return expr_of(g, scalar_type(g), d);
  default: {
    node *div = op_node(g, N_BINARY, rng_below(&g->r, 2) ? OP_DIV : OP_MOD,
                        expr_of(g, T_INT, d), lit(g, ov_int(0)));
    return op_node(g, N_BINARY, OP_EQ, div, lit(g, ov_int(1)));
  }
  }
}

/* a && b, a || b; a quarter of them with a side that fails, on either
 * side, so that absorption is tried in both orders. */
static node *logic(gen *g, int d) {
  node *a = expr_of(g, T_BOOL, d), *b = expr_of(g, T_BOOL, d);
  if (rng_chance(&g->r, 25)) {
    if (rng_below(&g->r, 2))
      a = failing(g, d);
    else
      b = failing(g, d);
  }
  return op_node(g, rng_below(&g->r, 2) ? N_AND : N_OR, 0, a, b);
}

static node *gen_bool(gen *g, int d) {
  switch (rng_below(&g->r, 9)) {
  case 0: return op_node(g, N_UNARY, OP_NOT, expr_of(g, T_BOOL, d), NULL);
  case 1:
  case 2: return logic(g, d);
  case 3:
  case 4: return comparison(g, d);
  case 5: return membership(g, d);
  case 6: return has(g, d);
  default:
    return macro(g, (int)rng_below(&g->r, 3), scalar_type(g), T_BOOL, d);
  }
}

static node *gen_list(gen *g, otype t, int d) {
  otype e = t.e >= T_DYN ? scalar_type(g) : (otype){t.e, 0};
  switch (rng_below(&g->r, 5)) {
  case 0: {
    int n = (int)rng_below(&g->r, 4);
    node *l = node_new(g->p, N_LIST, 0, n);
    for (int i = 0; i < n; i++)
      l->kids[i] = expr_of(g, e, d);
    return l;
  }
  case 1:
    return op_node(g, N_BINARY, OP_ADD, expr_of(g, t, d), expr_of(g, t, d));
  case 2: return macro(g, M_MAP, scalar_type(g), e, d);
  case 3: return macro(g, M_FILTER, e, T_BOOL, d);
  default: return cond(g, t, d);
  }
}

static node *gen_map(gen *g, otype t, int d) {
  otype e = t.e >= T_DYN ? scalar_type(g) : (otype){t.e, 0};
  if (rng_chance(&g->r, 50))
    return cond(g, t, d);
  int n = (int)rng_below(&g->r, 4);
  node *m = node_new(g->p, N_MAP, 0, 2 * n);
  for (int i = 0; i < n; i++) {
    const char *key = fresh_key(g, m, i);
    m->kids[2 * i] = rng_chance(&g->r, 10)
                         ? expr_of(g, T_STRING, d)
                         : lit(g, ov_string(g->p, key, strlen(key)));
    m->kids[2 * i + 1] = expr_of(g, e, d);
  }
  return m;
}

/* A value of [t] from a map literal with mixed keys, indexed: mostly by
 * one of its keys, as a number of another kind now and then. */
static node *mixed_key_index(gen *g, otype t, int d) {
  static const otype kt[] = {{K_INT, 0}, {K_UINT, 0}, {K_DOUBLE, 0},
                             {K_BOOL, 0}, {K_STRING, 0}};
  node *m = mixed_key_map(g, t);
  if (rng_chance(&g->r, 30))
    return index_(g, m, expr_of(g, PICK(g, kt), d));
  ov k = m->kids[2 * rng_below(&g->r, (unsigned)m->nkids / 2)]->lit;
  if (k.k == K_INT && rng_chance(&g->r, 30))
    k = rng_chance(&g->r, 50) ? ov_double((double)k.as.i)
                              : ov_uint((uint64_t)k.as.i);
  return index_(g, m, lit(g, k));
}

static node *gen_scalar(gen *g, otype t, int d) {
  unsigned r = rng_below(&g->r, 10);
  if (r < 2)
    return cond(g, t, d);
  if (r < 4)
    return element(g, t, d);
  if (r == 4)
    return mixed_key_index(g, t, d);
  if (t.k == K_INT && r < 7)
    return size(g, d);
  if (t.k == K_INT || t.k == K_UINT || t.k == K_DOUBLE || t.k == K_STRING)
    return arith(g, t, d);
  return leaf(g, t);
}

static node *expr_of(gen *g, otype t, int depth) {
  if (t.k == T_DYN)
    t = rng_chance(&g->r, 80) ? scalar_type(g)
                              : (otype){(unsigned char)(K_LIST +
                                                        rng_below(&g->r, 2)),
                                        T_DYN};
  if (depth <= 0 || g->budget <= 0 || rng_chance(&g->r, 20))
    return leaf(g, t);
  g->budget--;
  if (rng_chance(&g->r, 3)) /* the wrong type: errors must flow */
    t = scalar_type(g);
  switch (t.k) {
  case K_BOOL: return gen_bool(g, depth - 1);
  case K_LIST: return gen_list(g, t, depth - 1);
  case K_MAP: return gen_map(g, t, depth - 1);
  default: return gen_scalar(g, t, depth - 1);
  }
}

node *gen_expr(gen *g, pool *p) {
  static const otype want[] = {{K_BOOL, 0}, {K_BOOL, 0}, {K_BOOL, 0},
                               {K_INT, 0},  {K_INT, 0},  {K_UINT, 0},
                               {K_DOUBLE, 0}, {K_STRING, 0},
                               {K_LIST, T_DYN}, {K_MAP, T_DYN}, {K_NULL, 0}};
  g->p = p;
  g->nvars = 0;
  g->budget = 12 + (int)rng_below(&g->r, 30);
  return expr_of(g, PICK(g, want), 5);
}
