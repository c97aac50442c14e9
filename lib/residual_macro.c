/*
 * residual_macro.c: residuals of the comprehension macros (residual.h).
 *
 * A macro over a known range is taken apart item by item: the body with
 * the variable replaced by the item (the path of a fact item, such as
 * subprocessors[2], so that what is missing in it is named by its path;
 * a scalar item as a literal) is a piece like any other. The items'
 * outcomes are put back together as the macro combines them: all() as
 * &&, exists() as ||, so known items drop out or decide just as CEL
 * absorbs; exists_one() as the list of the undecided items' residuals
 * with a true for each item known to hold; filter() and map() over the
 * items still in play. A macro over a range that is itself missing, and
 * the macros that bind a variable otherwise (cel.bind, optMap,
 * transformMap, ...), stay whole: their bodies are never run alone, where
 * their variables would read as missing facts.
 */
#include "residual.h"

#include <string.h>

typedef enum { MK_ALL, MK_EXISTS, MK_ONE, MK_MAP, MK_FILTER, MK_OTHER } mkind;

/* The macros that bind variables, as compile.c knows them: name, the
 * arguments after the receiver, the variables among them. */
static const struct {
  const char *name;
  uint32_t nargs, nvars;
  mkind k;
} macros[] = {
    {"all", 2, 1, MK_ALL},          {"exists", 2, 1, MK_EXISTS},
    {"exists_one", 2, 1, MK_ONE},   {"existsOne", 2, 1, MK_ONE},
    {"map", 2, 1, MK_MAP},          {"map", 3, 1, MK_MAP},
    {"filter", 2, 1, MK_FILTER},    {"all", 3, 2, MK_ALL},
    {"exists", 3, 2, MK_EXISTS},    {"exists_one", 3, 2, MK_ONE},
    {"existsOne", 3, 2, MK_ONE},    {"transformList", 3, 2, MK_OTHER},
    {"transformList", 4, 2, MK_OTHER}, {"transformMap", 3, 2, MK_OTHER},
    {"transformMap", 4, 2, MK_OTHER},  {"optMap", 2, 1, MK_OTHER},
    {"optFlatMap", 2, 1, MK_OTHER},
};

/* The entry of macros[] the CALL [n] is, or -1. */
static int macro_of(const ast *n) {
  if (n->kind != AST_CALL || !(n->flags & AST_F_RECEIVER))
    return -1;
  for (size_t i = 0; i < POL_COUNTOF(macros); i++)
    if (macros[i].nargs + 1 == n->nkids && strcmp(macros[i].name, n->name) == 0)
      return (int)i;
  return -1;
}

static bool cel_bind(const ast *n) {
  return n->kind == AST_CALL && (n->flags & AST_F_RECEIVER) &&
         n->nkids == 4 && strcmp(n->name, "bind") == 0 &&
         n->kids[0]->kind == AST_IDENT && strcmp(n->kids[0]->name, "cel") == 0;
}

int pe_binds(const ast *n, uint32_t *first_var) {
  int m = macro_of(n);
  *first_var = 1;
  if (m >= 0)
    return (int)macros[m].nvars;
  return cel_bind(n) ? 1 : 0;
}

/* ==== substitution ======================================================= */

/* Whether the binding macro [n] declares [name] (then its body, the kids
 * after its variables, is out of reach; cel.bind's init is not). */
static bool declares(const ast *n, const char *name, uint32_t *scope_from) {
  uint32_t first;
  int nv = pe_binds(n, &first);
  for (int i = 0; i < nv; i++) {
    const ast *v = n->kids[first + (uint32_t)i];
    if (v->kind == AST_IDENT && strcmp(v->name, name) == 0) {
      *scope_from = cel_bind(n) ? 3 : first;
      return true;
    }
  }
  return false;
}

static const ast *subst(pe *e, const ast *n, const char *name,
                        const ast *with, int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2) {
    e->opaque = true;
    return n;
  }
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED) &&
      strcmp(n->name, name) == 0)
    return with;
  uint32_t upto = n->nkids;
  declares(n, name, &upto);
  ast *c = NULL;
  for (uint32_t i = 0; i < upto; i++) {
    const ast *k = subst(e, n->kids[i], name, with, depth + 1);
    if (k == n->kids[i])
      continue;
    if (!c) {
      if (!(c = pe_node(e, n->kind, n->sp, n->nkids)))
        return n;
      ast **kids = c->kids;
      *c = *n;
      c->kids = kids;
      memcpy(c->kids, n->kids, n->nkids * sizeof *c->kids);
    }
    c->kids[i] = (ast *)k;
  }
  return c ? c : n;
}

const ast *pe_subst(pe *e, const ast *n, const char *name,
                    const ast *with) {
  return subst(e, n, name, with, 0);
}

static rv res(const ast *n) { return (rv){R_RES, val_null(), n}; }

/* ==== a body that waits ================================================== */

typedef struct bound {
  const char *names[64];
  int n;
} bound;

/* Whether [n] names none of the variables [b] binds. */
static bool closed(const ast *n, const bound *b, int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2)
    return false;
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED))
    for (int i = 0; i < b->n; i++)
      if (strcmp(b->names[i], n->name) == 0)
        return false;
  for (uint32_t i = 0; i < n->nkids; i++)
    if (!closed(n->kids[i], b, depth + 1))
      return false;
  return true;
}

/* [n], a macro body that cannot run yet, with each largest part that
 * names none of the bound variables worked out: ["JP"] + EU_MEMBERS
 * becomes its list, a known fact its value. */
static const ast *fold(pe *e, const ast *n, bound *b, int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2 || e->oom)
    return n;
  if (closed(n, b, 0))
    return pe_embed(e, pe_eval(e, n));
  if (n->kind == AST_IDENT)
    return n; /* a bound variable */
  uint32_t first;
  int nv = pe_binds(n, &first), saved = b->n;
  ast *c = NULL;
  for (uint32_t i = 0; i < n->nkids; i++) {
    if (nv && i == first)
      for (int v = 0; v < nv && b->n < 64; v++)
        b->names[b->n++] = n->kids[first + (uint32_t)v]->name;
    bool var = nv && i >= first && i < first + (uint32_t)nv;
    const ast *k = var ? n->kids[i] : fold(e, n->kids[i], b, depth + 1);
    if (k != n->kids[i] && !c) {
      if (!(c = pe_node(e, n->kind, n->sp, n->nkids)))
        break;
      ast **kids = c->kids;
      *c = *n;
      c->kids = kids;
      memcpy(c->kids, n->kids, n->nkids * sizeof *c->kids);
    }
    if (c)
      c->kids[i] = (ast *)k;
  }
  b->n = saved;
  return c ? c : n;
}

/* Macro [n] over the missing range [r]: kept whole, its range the
 * residual and its body worked out as far as it can be. */
static rv waiting(pe *e, const ast *n, int m, rv r) {
  ast *c = pe_node(e, AST_CALL, n->sp, n->nkids);
  if (!c)
    return res(n);
  ast **kids = c->kids;
  *c = *n;
  c->kids = kids;
  c->kids[0] = (ast *)r.n;
  bound b = {{0}, 0};
  uint32_t nv = macros[m].nvars;
  for (uint32_t v = 0; v < nv; v++)
    b.names[b.n++] = n->kids[1 + v]->name;
  for (uint32_t i = 1; i < n->nkids; i++)
    c->kids[i] = i <= nv ? n->kids[i] : (ast *)fold(e, n->kids[i], &b, 0);
  bool same = true; /* then the macro as written (residual.c same_kids) */
  for (uint32_t i = 0; i < n->nkids; i++)
    same &= c->kids[i] == n->kids[i];
  return res(same ? n : c);
}

/* ==== one item =========================================================== */

typedef struct item {
  const ast *x;      /* the item as it stands in for the variable */
  rv test;           /* filter, map's 3-argument form: its predicate */
  rv out;            /* its outcome: the body's */
} item;

/* The variables of item [i] of the known range [r], as nodes: for a list
 * the index and the item, for a map the key and its value. */
static bool item_vars(pe *e, val r, uint32_t i, span sp, const ast **first,
                      const ast **second) {
  val key = r.kind == V_LIST ? val_int(i) : r.as.m->keys[i];
  val value = r.kind == V_LIST ? r.as.l->items[i] : r.as.m->vals[i];
  *first = pe_literal(e, key, sp);
  *second = pe_item(e, value, sp);
  return *first && *second;
}

/* The body (and predicate) of macro [n] for item [i]. */
static bool run_item(pe *e, const ast *n, int m, val r, uint32_t i,
                     item *it) {
  const ast *k, *v;
  if (!item_vars(e, r, i, n->sp, &k, &v))
    return false;
  bool two = macros[m].nvars == 2;
  const ast *one = r.kind == V_LIST ? v : k; /* one variable: the item */
  it->x = one;
  const ast *body = n->kids[n->nkids - 1];
  const ast *test = macros[m].nargs == 3 && !two ? n->kids[2] : NULL;
  for (int pass = 0; pass < 2; pass++) {
    const ast *t = pass ? body : test;
    if (!t)
      continue;
    t = pe_subst(e, t, n->kids[1]->name, two ? k : one);
    if (two)
      t = pe_subst(e, t, n->kids[2]->name, v);
    rv o = pe_eval(e, t);
    if (pass)
      it->out = o;
    else
      it->test = o;
  }
  return !e->oom;
}

/* ==== putting items back together ======================================= */

static bool is_bool(rv r, bool b) {
  return r.kind == R_KNOWN && r.v.kind == V_BOOL && r.v.as.b == b;
}

/* all(): the items not known true, joined by &&; exists(): the items
 * not known false, by ||. */
static rv join(pe *e, const ast *n, const item *its, uint32_t cnt,
               bool all) {
  const ast *acc = NULL;
  for (uint32_t i = 0; i < cnt; i++) {
    if (is_bool(its[i].out, all))
      continue;
    const ast *x = pe_embed(e, its[i].out);
    if (!acc) {
      acc = x;
      continue;
    }
    ast *j = pe_node(e, all ? AST_AND : AST_OR, n->sp, 2);
    if (!j)
      return res(n);
    j->kids[0] = (ast *)acc;
    j->kids[1] = (ast *)x;
    acc = j;
  }
  return res(acc ? acc : n);
}

/* [elems].NAME(v, v): a macro over a list literal, at n's place. */
static const ast *over_list(pe *e, const ast *n, const char *name,
                            const ast *const *elems, uint32_t cnt) {
  ast *l = pe_node(e, AST_LIST, n->sp, cnt);
  ast *c = pe_node(e, AST_CALL, n->sp, 3);
  if (!l || !c)
    return n;
  memcpy(l->kids, elems, cnt * sizeof *l->kids);
  c->flags = AST_F_RECEIVER;
  c->name = name;
  c->kids[0] = l;
  ast *v = pe_node(e, AST_IDENT, n->sp, 0), *w = pe_node(e, AST_IDENT, n->sp, 0);
  if (!v || !w)
    return n;
  v->name = w->name = "v";
  c->kids[1] = v;
  c->kids[2] = w;
  return c;
}

/* exists_one(): true for each item known to hold, the residual of each
 * undecided one, in a list: exactly one of them must hold. */
static rv one(pe *e, const ast *n, const item *its, uint32_t cnt,
              const ast **tmp) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < cnt; i++)
    if (!is_bool(its[i].out, false))
      tmp[k++] = pe_embed(e, its[i].out);
  return res(over_list(e, n, "exists_one", tmp, k));
}

/* a + b, either of which may be NULL (nothing yet). */
static const ast *concat(pe *e, const ast *a, const ast *b, span sp) {
  if (!a || !b)
    return a ? a : b;
  ast *x = pe_node(e, AST_BINARY, sp, 2);
  if (!x)
    return a;
  x->op = AST_OP_ADD;
  x->kids[0] = (ast *)a;
  x->kids[1] = (ast *)b;
  return x;
}

static const ast *list_of(pe *e, const ast *const *elems, uint32_t cnt,
                          span sp) {
  ast *l = pe_node(e, AST_LIST, sp, cnt);
  if (l && cnt)
    memcpy(l->kids, elems, cnt * sizeof *l->kids);
  return l;
}

/* filter() and map(x, p, f): the kept items' values in order, as list
 * literals joined by +, an undecided item as (test ? [value] : []), so
 * the result is the same list once its facts are known; an item whose
 * test is known false is not there. */
static rv segments(pe *e, const ast *n, const item *its, uint32_t cnt,
                   bool filter, const ast **run_) {
  const ast *acc = NULL;
  uint32_t k = 0;
  const ast *none = list_of(e, NULL, 0, n->sp);
  for (uint32_t i = 0; i < cnt; i++) {
    const item *it = &its[i];
    const rv *t = filter ? &it->out : &it->test;
    const ast *value = filter ? it->x : pe_embed(e, it->out);
    if (is_bool(*t, false))
      continue;
    if (t->kind == R_KNOWN && t->v.kind == V_BOOL) {
      run_[k++] = value;
      continue;
    }
    if (k)
      acc = concat(e, acc, list_of(e, run_, k, n->sp), n->sp);
    k = 0;
    ast *c = pe_node(e, AST_COND, n->sp, 3);
    if (!c)
      return res(n);
    c->kids[0] = (ast *)pe_embed(e, *t);
    c->kids[1] = (ast *)list_of(e, &value, 1, n->sp);
    c->kids[2] = (ast *)none;
    acc = concat(e, acc, c, n->sp);
  }
  if (k || !acc)
    acc = concat(e, acc, list_of(e, run_, k, n->sp), n->sp);
  return res(acc ? acc : n);
}

/* map(x, f): the list of the items' outcomes. */
static rv mapped(pe *e, const ast *n, const item *its, uint32_t cnt,
                 const ast **tmp) {
  ast *l = pe_node(e, AST_LIST, n->sp, cnt);
  if (!l)
    return res(n);
  for (uint32_t i = 0; i < cnt; i++)
    tmp[i] = pe_embed(e, its[i].out);
  memcpy(l->kids, tmp, cnt * sizeof *l->kids);
  return res(l);
}

static rv combine(pe *e, const ast *n, int m, const item *its, uint32_t cnt) {
  const ast **tmp = arena_alloc(&e->c->a, (cnt + 1) * sizeof *tmp);
  if (!tmp) {
    e->oom = true;
    return res(n);
  }
  switch (macros[m].k) {
  case MK_ALL: return join(e, n, its, cnt, true);
  case MK_EXISTS: return join(e, n, its, cnt, false);
  case MK_ONE: return one(e, n, its, cnt, tmp);
  case MK_FILTER: return segments(e, n, its, cnt, true, tmp);
  default:
    if (macros[m].nargs == 3)
      return segments(e, n, its, cnt, false, tmp);
    return mapped(e, n, its, cnt, tmp);
  }
}

/* Whether item [it] is still undecided. */
static bool undecided(const item *it) {
  return it->out.kind != R_KNOWN || it->test.kind != R_KNOWN;
}

bool pe_macro(pe *e, const ast *n, rv *out) {
  int m = macro_of(n);
  if (m < 0) {
    if (!cel_bind(n))
      return false;
    *out = res(n);
    return true;
  }
  *out = res(n);
  rv r = pe_eval(e, n->kids[0]);
  if (r.kind != R_KNOWN) { /* the range is missing: the body waits */
    *out = waiting(e, n, m, r);
    return true;
  }
  uint32_t cnt = r.v.kind == V_LIST ? r.v.as.l->n
                 : r.v.kind == V_MAP ? r.v.as.m->n : 0;
  if (macros[m].k == MK_OTHER || (r.v.kind != V_LIST && r.v.kind != V_MAP))
    return true;
  if (cnt > RESIDUAL_ITEMS_MAX ||
      cnt > RESIDUAL_RULE_ITEMS_MAX - e->items) { /* whole: its items'
                                                     facts go unnamed */
    e->whole_ranges++;
    return true;
  }
  e->items += cnt;
  item *its = arena_zalloc(&e->c->a, (cnt + 1) * sizeof *its);
  bool any = false;
  for (uint32_t i = 0; its && i < cnt; i++) {
    its[i].test = (rv){R_KNOWN, val_bool(true), n};
    if (!run_item(e, n, m, r.v, i, &its[i]))
      return true;
    any |= undecided(&its[i]);
  }
  if (its && any)
    *out = combine(e, n, m, its, cnt);
  return true;
}
