/*
 * eval.c: the oracle's tree-walking evaluator, from docs/language.md
 * (sections 4 to 7) and cel-spec's semantics:
 *
 * - an error operand makes an operator's result that error, the left one
 *   first; && and || absorb errors in either order (cel-go's rule: a
 *   deciding false/true wins, else the left error, else the right error,
 *   else "no overload" for a non-bool operand);
 * - ?: evaluates only the chosen arm; a non-bool test is "no overload";
 * - has() through an absent fact is false (a presence test on the fact
 *   tree), not the absent error; a map or list of the fact tree carries
 *   .fact, however the expression reached it (inherit());
 * - all / exists fold their items with && / ||, stopping once decided;
 *   exists_one, map and filter fail with the first item's error.
 */
#include <math.h>
#include <string.h>

#include "oracle.h"

/* Macro variables in scope, innermost last. */
typedef struct scope {
  const char *name[32];
  ov val[32];
  int n;
} scope;

typedef struct ectx {
  pool *p;
  ov facts;
  scope sc;
} ectx;

static ov ev(ectx *c, const node *n);

/* ==== arithmetic ========================================================== */

static ov int_arith(int op, int64_t x, int64_t y) {
  int64_t r;
  switch (op) {
  case OP_ADD:
    return __builtin_add_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_int(r);
  case OP_SUB:
    return __builtin_sub_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_int(r);
  case OP_MUL:
    return __builtin_mul_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_int(r);
  case OP_DIV:
    if (y == 0)
      return ov_err(E_DIVZERO);
    return x == INT64_MIN && y == -1 ? ov_err(E_OVERFLOW) : ov_int(x / y);
  default: /* OP_MOD */
    if (y == 0)
      return ov_err(E_MODZERO);
    return x == INT64_MIN && y == -1 ? ov_err(E_OVERFLOW) : ov_int(x % y);
  }
}

static ov uint_arith(int op, uint64_t x, uint64_t y) {
  uint64_t r;
  switch (op) {
  case OP_ADD:
    return __builtin_add_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_uint(r);
  case OP_SUB:
    return __builtin_sub_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_uint(r);
  case OP_MUL:
    return __builtin_mul_overflow(x, y, &r) ? ov_err(E_OVERFLOW) : ov_uint(r);
  case OP_DIV: return y == 0 ? ov_err(E_DIVZERO) : ov_uint(x / y);
  default: return y == 0 ? ov_err(E_MODZERO) : ov_uint(x % y);
  }
}

static ov double_arith(int op, double x, double y) {
  switch (op) {
  case OP_ADD: return ov_double(x + y);
  case OP_SUB: return ov_double(x - y);
  case OP_MUL: return ov_double(x * y);
  case OP_DIV: return ov_double(x / y);
  default: return ov_err(E_OVERLOAD); /* no % on doubles */
  }
}

/* string + string and list + list. */
static ov concat(pool *p, ov x, ov y) {
  if (x.k == K_STRING) {
    char *s = pool_alloc(p, x.as.s.n + y.as.s.n + 1);
    memcpy(s, x.as.s.p, x.as.s.n);
    memcpy(s + x.as.s.n, y.as.s.p, y.as.s.n);
    return (ov){.k = K_STRING, .as.s = {s, x.as.s.n + y.as.s.n}};
  }
  size_t n = x.as.l.n + y.as.l.n;
  ov *items = pool_alloc(p, (n ? n : 1) * sizeof *items);
  memcpy(items, x.as.l.items, x.as.l.n * sizeof *items);
  memcpy(items + x.as.l.n, y.as.l.items, y.as.l.n * sizeof *items);
  return (ov){.k = K_LIST, .as.l = {n, items}};
}

static ov arith(pool *p, int op, ov x, ov y) {
  if (x.k != y.k)
    return ov_err(E_OVERLOAD);
  switch (x.k) {
  case K_INT: return int_arith(op, x.as.i, y.as.i);
  case K_UINT: return uint_arith(op, x.as.u, y.as.u);
  case K_DOUBLE: return double_arith(op, x.as.d, y.as.d);
  case K_STRING:
  case K_LIST: return op == OP_ADD ? concat(p, x, y) : ov_err(E_OVERLOAD);
  default: return ov_err(E_OVERLOAD);
  }
}

/* ==== comparison and membership ========================================== */

static ov compare(int op, ov x, ov y) {
  if (op == OP_EQ || op == OP_NE)
    return ov_bool(ov_equal(x, y) == (op == OP_EQ));
  int c;
  if (!ov_order(x, y, &c))
    return ov_err(E_OVERLOAD);
  if (c == 2) /* NaN: every ordering is false */
    return ov_bool(false);
  switch (op) {
  case OP_LT: return ov_bool(c < 0);
  case OP_LE: return ov_bool(c <= 0);
  case OP_GT: return ov_bool(c > 0);
  default: return ov_bool(c >= 0);
  }
}

static ov in(ov x, ov y) {
  if (y.k == K_LIST) {
    for (size_t i = 0; i < y.as.l.n; i++)
      if (ov_equal(x, y.as.l.items[i]))
        return ov_bool(true);
    return ov_bool(false);
  }
  if (y.k == K_MAP)
    return ov_bool(ov_map_get(y, x) != NULL);
  return ov_err(E_OVERLOAD);
}

static ov binary(ectx *c, const node *n) {
  ov x = ev(c, n->kids[0]);
  ov y = ev(c, n->kids[1]);
  if (x.k == K_ERROR)
    return x;
  if (y.k == K_ERROR)
    return y;
  if (n->op == OP_IN)
    return in(x, y);
  if (n->op >= OP_EQ)
    return compare(n->op, x, y);
  return arith(c->p, n->op, x, y);
}

static ov unary(ectx *c, const node *n) {
  ov x = ev(c, n->kids[0]);
  if (x.k == K_ERROR)
    return x;
  if (n->op == OP_NOT)
    return x.k == K_BOOL ? ov_bool(!x.as.b) : ov_err(E_OVERLOAD);
  if (x.k == K_INT)
    return x.as.i == INT64_MIN ? ov_err(E_OVERFLOW) : ov_int(-x.as.i);
  if (x.k == K_DOUBLE)
    return ov_double(-x.as.d);
  return ov_err(E_OVERLOAD);
}

/* ==== logic =============================================================== */

static bool is_bool(ov v, bool b) { return v.k == K_BOOL && v.as.b == b; }

/* x && y (and, with [and] false, x || y) once both are known. */
static ov logic_merge(bool and, ov x, ov y) {
  if (is_bool(x, !and) || is_bool(y, !and))
    return ov_bool(!and);
  if (is_bool(x, and) && is_bool(y, and))
    return ov_bool(and);
  if (x.k == K_ERROR)
    return x;
  if (y.k == K_ERROR)
    return y;
  return ov_err(E_OVERLOAD);
}

static ov logic(ectx *c, const node *n) {
  bool and = n->k == N_AND;
  ov x = ev(c, n->kids[0]);
  if (is_bool(x, !and))
    return x; /* decided: the right side is never evaluated */
  return logic_merge(and, x, ev(c, n->kids[1]));
}

static ov cond(ectx *c, const node *n) {
  ov t = ev(c, n->kids[0]);
  if (t.k == K_ERROR)
    return t;
  if (t.k != K_BOOL)
    return ov_err(E_OVERLOAD);
  return ev(c, n->kids[t.as.b ? 1 : 2]);
}

/* ==== names, selection and indexing ====================================== */

/* The absent error; [fact]: of a missing fact. */
static ov missing(bool fact) {
  ov e = ov_err(E_ABSENT);
  e.fact = fact;
  return e;
}

/* [v], read out of [from]: a map or list of the fact tree when [from]
 * is one. What counts is where a value comes from, not how the
 * expression reached it: (c ? f1 : f1)["x"] reads the fact tree as f1.x
 * does, and so does an item a macro's variable stands for (libpol marks
 * the containers of a fact set, value.h map_is_adopted). */
static ov inherit(ov from, ov v) {
  if (from.fact && (v.k == K_MAP || v.k == K_LIST))
    v.fact = true;
  return v;
}

static ov ident(ectx *c, const node *n) {
  for (int i = c->sc.n - 1; i >= 0; i--)
    if (strcmp(c->sc.name[i], n->name) == 0)
      return c->sc.val[i];
  ov key = {.k = K_STRING, .as.s = {n->name, strlen(n->name)}};
  const ov *v = ov_map_get(c->facts, key);
  ov root = {.k = K_MAP, .fact = true};
  return v ? inherit(root, *v) : missing(true);
}

/* Whether [n] is a path on the fact tree: a fact's name (not a macro
 * variable), then selections and indexes. */
/* m.f, or has(m.f) when [has]. On the fact tree, has() is a presence
 * test: through an absent fact it is false, not an absent error
 * (docs/language.md, has()). */
static ov select_(ectx *c, const node *n, bool has) {
  ov m = ev(c, n->kids[0]);
  if (has && m.k == K_ERROR && m.as.e == E_ABSENT && m.fact)
    return ov_bool(false);
  if (m.k == K_ERROR)
    return m;
  if (m.k != K_MAP)
    return ov_err(E_SELECT);
  ov key = {.k = K_STRING, .as.s = {n->name, strlen(n->name)}};
  const ov *v = ov_map_get(m, key);
  if (has)
    return ov_bool(v != NULL);
  return v ? inherit(m, *v) : missing(m.fact);
}

/* l[i]: an int, a uint or an integral double in range. */
static ov list_index(ov l, ov i) {
  double pos;
  if (i.k == K_INT)
    pos = (double)i.as.i;
  else if (i.k == K_UINT)
    pos = (double)i.as.u;
  else if (i.k == K_DOUBLE && i.as.d == trunc(i.as.d))
    pos = i.as.d;
  else
    return ov_err(E_OVERLOAD);
  if (i.k == K_INT ? i.as.i < 0 || (uint64_t)i.as.i >= l.as.l.n
      : i.k == K_UINT ? i.as.u >= l.as.l.n
                      : !(pos >= 0 && pos < (double)l.as.l.n))
    return ov_err(E_INDEX);
  return inherit(l, l.as.l.items[(size_t)pos]);
}

static ov index_(ectx *c, const node *n) {
  ov x = ev(c, n->kids[0]);
  ov i = ev(c, n->kids[1]);
  if (x.k == K_ERROR)
    return x;
  if (i.k == K_ERROR)
    return i;
  if (x.k == K_LIST)
    return list_index(x, i);
  if (x.k != K_MAP || i.k == K_NULL || i.k == K_LIST || i.k == K_MAP)
    return ov_err(E_OVERLOAD); /* kinds that are never keys */
  const ov *v = ov_map_get(x, i);
  return v ? inherit(x, *v) : missing(x.fact);
}

static ov size(ectx *c, const node *n) {
  ov x = ev(c, n->kids[0]);
  switch (x.k) {
  case K_ERROR: return x;
  case K_STRING: return ov_int((int64_t)ov_utf8_len(x.as.s.p, x.as.s.n));
  case K_LIST: return ov_int((int64_t)x.as.l.n);
  case K_MAP: return ov_int((int64_t)x.as.m.n);
  default: return ov_err(E_OVERLOAD);
  }
}

/* ==== literals ============================================================ */

static ov list_lit(ectx *c, const node *n) {
  ov *items = pool_alloc(c->p, (size_t)(n->nkids + 1) * sizeof *items);
  for (int i = 0; i < n->nkids; i++) {
    items[i] = ev(c, n->kids[i]);
    if (items[i].k == K_ERROR)
      return items[i];
  }
  return (ov){.k = K_LIST, .as.l = {(size_t)n->nkids, items}};
}

static bool key_kind_ok(okind k) {
  return k == K_BOOL || k == K_INT || k == K_UINT || k == K_STRING;
}

static ov map_lit(ectx *c, const node *n) {
  size_t count = (size_t)n->nkids / 2;
  ov *kv = pool_alloc(c->p, (2 * count + 1) * sizeof *kv);
  for (int i = 0; i < n->nkids; i++) {
    kv[i] = ev(c, n->kids[i]);
    if (kv[i].k == K_ERROR)
      return kv[i];
  }
  ov m = {.k = K_MAP, .as.m = {0, pool_alloc(c->p, (count + 1) * sizeof(ov)),
                               pool_alloc(c->p, (count + 1) * sizeof(ov))}};
  for (size_t i = 0; i < count; i++) {
    if (!key_kind_ok(kv[2 * i].k))
      return ov_err(E_KEYTYPE);
    if (ov_map_get(m, kv[2 * i]))
      return ov_err(E_DUPKEY);
    m.as.m.keys[m.as.m.n] = kv[2 * i];
    m.as.m.vals[m.as.m.n++] = kv[2 * i + 1];
  }
  return m;
}

/* ==== macros ============================================================== */

/* The body of [n] for the item [x]. */
static ov body(ectx *c, const node *n, ov x) {
  c->sc.name[c->sc.n] = n->name;
  c->sc.val[c->sc.n++] = x;
  ov r = ev(c, n->kids[1]);
  c->sc.n--;
  return r;
}

/* all (and) / exists (or): fold with && / ||, stop once decided. */
static ov fold_logic(ectx *c, const node *n, ov range, bool and) {
  ov acc = ov_bool(and);
  for (size_t i = 0; i < range.as.l.n && !is_bool(acc, !and); i++)
    acc = logic_merge(and, acc,
                      body(c, n, inherit(range, range.as.l.items[i])));
  return acc;
}

static ov exists_one(ectx *c, const node *n, ov range) {
  size_t count = 0;
  for (size_t i = 0; i < range.as.l.n; i++) {
    ov r = body(c, n, inherit(range, range.as.l.items[i]));
    if (r.k == K_ERROR)
      return r;
    if (r.k != K_BOOL)
      return ov_err(E_OVERLOAD);
    count += r.as.b;
  }
  return ov_bool(count == 1);
}

/* map (t for each item) and filter (the items for which p is true). */
static ov collect(ectx *c, const node *n, ov range, bool filter) {
  ov *out = pool_alloc(c->p, (range.as.l.n + 1) * sizeof *out);
  size_t k = 0;
  for (size_t i = 0; i < range.as.l.n; i++) {
    ov x = inherit(range, range.as.l.items[i]), r = body(c, n, x);
    if (r.k == K_ERROR)
      return r;
    if (filter && r.k != K_BOOL)
      return ov_err(E_OVERLOAD);
    if (!filter || r.as.b)
      out[k++] = filter ? x : r;
  }
  return (ov){.k = K_LIST, .as.l = {k, out}};
}

static ov macro(ectx *c, const node *n) {
  ov range = ev(c, n->kids[0]);
  if (range.k == K_ERROR)
    return range;
  if (range.k == K_MAP) /* a map's items are its keys */
    range = (ov){.k = K_LIST, .as.l = {range.as.m.n, range.as.m.keys}};
  if (range.k != K_LIST)
    return ov_err(E_ITER);
  if (c->sc.n == 32)
    return ov_err(E_OTHER);
  switch (n->op) {
  case M_ALL: return fold_logic(c, n, range, true);
  case M_EXISTS: return fold_logic(c, n, range, false);
  case M_EXISTS_ONE: return exists_one(c, n, range);
  case M_MAP: return collect(c, n, range, false);
  default: return collect(c, n, range, true);
  }
}

/* ==== dispatch ============================================================ */

static ov ev(ectx *c, const node *n) {
  switch (n->k) {
  case N_LIT: return n->lit;
  case N_IDENT: return ident(c, n);
  case N_SELECT: return select_(c, n, false);
  case N_HAS: return select_(c, n, true);
  case N_INDEX: return index_(c, n);
  case N_UNARY: return unary(c, n);
  case N_BINARY: return binary(c, n);
  case N_AND:
  case N_OR: return logic(c, n);
  case N_COND: return cond(c, n);
  case N_LIST: return list_lit(c, n);
  case N_MAP: return map_lit(c, n);
  case N_SIZE: return size(c, n);
  default: return macro(c, n);
  }
}

ov eval(pool *p, const node *n, ov facts) {
  ectx c = {.p = p, .facts = facts};
  return ev(&c, n);
}

node *node_new(pool *p, nkind k, int op, int nkids) {
  node *n = pool_alloc(p, sizeof *n);
  n->k = k;
  n->op = op;
  n->nkids = nkids;
  n->kids = pool_alloc(p, (size_t)(nkids + 1) * sizeof *n->kids);
  return n;
}
