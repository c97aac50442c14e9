/*
 * lint_space.c: the analysis of a rule over the values its facts can
 * take (lint.h). Three steps:
 *
 *   1. walk the rule's `when` and `require` (lets inlined) and decide
 *      whether they lie in the fragment: each leaf a fact compared with
 *      constants, a fact used as a bool, has(fact), size(fact) compared
 *      with a constant, or all()/exists()/exists_one() over a list fact
 *      whose body compares the item with constants; combined by && || !
 *      and ?:. Constants are evaluated by the compiler and the VM (so
 *      `DOMESTIC + APPI_ADEQUATE` is a constant). Anything else stops the
 *      analysis, with the reason;
 *   2. give each fact one representative value per class of values that
 *      no comparison of the rule tells apart: around each constant c of
 *      an integer, c-1, c and c+1; each constant of a string and one
 *      other string (or, when compared by order, a string just above
 *      each constant and ""); true and false; the values the schema
 *      allows; for a list, every subset of its items' representatives
 *      at each size that matters; and always "absent";
 *   3. evaluate the compiled rule, exactly as `check` does, on the fact
 *      set of every combination of representatives.
 *
 * Within the fragment every comparison is constant on each class, so the
 * combinations show every outcome the rule can have, and each outcome
 * comes with the fact set that gives it.
 */
#include "lint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "json.h"
#include "report.h"

enum {
  MAX_FACTS = 12,      /* facts one analysis may hold */
  MAX_CONSTS = 24,     /* constants compared with one fact */
  MAX_ITEMS = 6,       /* representatives of a list's items */
  MAX_COMBOS = 40000,  /* fact sets one analysis may evaluate */
  MAX_LET_DEPTH = 32,
  MAX_VARS = 8         /* nested macro variables */
};

/* Kinds of facts beyond the value kinds: not known yet, an object that
 * is only tested for presence (has) or holds other facts. */
enum { K_UNSET = -1, K_OBJECT = -2 };

typedef struct lfact {
  const char *path;
  const char *segs[16];
  uint32_t nsegs;
  int kind;                  /* V_BOOL ... V_LIST, K_OBJECT or K_UNSET */
  int item;                  /* V_LIST: the items' kind */
  bool declared;             /* the kind comes from the schema */
  val consts[MAX_CONSTS];    /* compared with (a list: its items) */
  uint32_t nconsts;
  int64_t sizes[MAX_CONSTS]; /* size() compared with */
  uint32_t nsizes;
  bool ordered;              /* compared by < <= > >= */
  val allowed;               /* the schema's allowed values, or null */
  val *reps;                 /* one value per class; nreps is "absent" */
  uint32_t nreps;
} lfact;

typedef struct walker {
  lint_run *L;
  lfact f[MAX_FACTS];
  uint32_t nf;
  const char *why;           /* the first reason to stop, or NULL */
  const char *var[MAX_VARS]; /* macro variables in scope */
  int var_fact[MAX_VARS];    /* the list fact each ranges over */
  int nvars;
  uint32_t depth;            /* lets being inlined */
  arena *a;
} walker;

typedef enum { C_BOOL, C_CONST, C_PATH, C_SIZE, C_ITEM, C_OUT } cls_kind;

/* What a node of the rule is, for the fragment. */
typedef struct cls {
  cls_kind k;
  val c;            /* C_CONST */
  const char *path; /* C_PATH, C_SIZE: the fact path */
  int fact;         /* C_ITEM: the list fact */
} cls;

struct lint_space {
  lfact *f;
  uint32_t nf;
  uint32_t nrules;
  const rule *rules[2];
  size_t n;           /* combinations */
  uint8_t *out;       /* per combination and rule: when << 2 | require */
};

static cls out(walker *w, const char *why) {
  if (!w->why) /* NULL: the text of why could not be made */
    w->why = why ? why : "out of memory";
  return (cls){.k = C_OUT};
}

/* ==== constants ========================================================== */

/* A literal's value, or false. */
static bool literal(walker *w, const ast *n, val *v) {
  switch (n->kind) {
  case AST_NULL_LIT: *v = val_null(); return true;
  case AST_BOOL_LIT: *v = val_bool(n->lit.b); return true;
  case AST_INT_LIT: *v = val_int(n->lit.i); return true;
  case AST_UINT_LIT: *v = val_uint(n->lit.u); return true;
  case AST_DOUBLE_LIT: *v = val_double(n->lit.d); return true;
  case AST_STRING_LIT: *v = val_string(w->a, n->lit.s.p, n->lit.s.n); break;
  default: return false;
  }
  return v->kind != V_ERROR;
}

/* The policy's lets as the compiler takes them, made once per run:
 * every constant of every rule is compiled with them. */
static const compile_let *lets_of(lint_run *L) {
  const policy_source *src = L->src;
  if (L->lets || !(L->lets = mem_calloc(&L->a.m, src->nlets + 1,
                                        sizeof *L->lets)))
    return L->lets;
  for (size_t i = 0; i < src->nlets; i++)
    L->lets[i] = (compile_let){src->lets[i].n->name, src->lets[i].n->kids[0],
                               src->lets[i].d,
                               (src->lets[i].n->flags & AST_F_DERIVED) != 0,
                               src->lets[i].prelude};
  return L->lets;
}

/* Evaluate the constant expression [n] of [d]: compiled alone (with the
 * policy's lets) and run without facts. */
static cls evaluate(walker *w, const ast *n, const diag_list *d) {
  val v;
  if (literal(w, n, &v))
    return (cls){.k = C_CONST, .c = v};
  const mem *m = &w->L->a.m;
  const compile_let *lets = lets_of(w->L);
  if (!lets)
    return out(w, "out of memory");
  compile_opts o = {.lets = lets, .nlets = w->L->src->nlets};
  diag_list scratch;
  diag_init(&scratch, d->file, d->src, d->srclen, m);
  compiler *cg = cg_new(&o, m);
  program *p = NULL;
  if (cg) {
    cg_no_jit(cg);
    cg_no_texts(cg);
    cg_entry(cg, n, &scratch);
    p = cg_finish(cg);
  }
  v = p ? vm_run(&w->L->vm, p, 0, NULL) : (val){.kind = V_ERROR};
  if (v.kind != V_ERROR)
    v = val_deepcopy(w->a, v);
  program_free(p);
  diag_free(&scratch);
  if (v.kind == V_ERROR)
    return out(w, "a constant that does not evaluate");
  return (cls){.k = C_CONST, .c = v};
}

/* ==== facts ============================================================== */

static bool numeric(int k) { return k == V_INT || k == V_UINT || k == V_DOUBLE; }

/* The fact [path], added on first use with what the schema says of it;
 * -1 (and the walk stopped) when there is no room. */
static int fact_at(walker *w, const char *path) {
  for (uint32_t i = 0; i < w->nf; i++)
    if (strcmp(w->f[i].path, path) == 0)
      return (int)i;
  if (w->nf == MAX_FACTS) {
    out(w, "it reads too many facts");
    return -1;
  }
  lfact *f = &w->f[w->nf];
  memset(f, 0, sizeof *f);
  f->path = path;
  f->kind = f->item = K_UNSET;
  f->allowed = val_null();
  char *copy = arena_strndup(w->a, path, strlen(path));
  for (char *s = copy, *dot; s && f->nsegs < 16; s = dot ? dot + 1 : NULL) {
    dot = strchr(s, '.');
    if (dot)
      *dot = '\0';
    f->segs[f->nsegs++] = s;
  }
  const fact_decl *decl = policy_fact(w->L->pol, path);
  if (decl && decl->type->kind != T_DYN && decl->type->kind != V_MAP) {
    f->kind = decl->type->kind;
    f->declared = true;
    if (f->kind == V_LIST && decl->type->elem)
      f->item = decl->type->elem->kind;
    f->allowed = decl->allowed;
  } else if (decl && decl->type->kind == V_MAP) {
    f->kind = K_OBJECT;
    f->declared = true;
  }
  return (int)w->nf++;
}

/* Use [*k] (the kind of a fact or of a list's items) as [want]: set it
 * when unknown; false when it is another. Numbers go with numbers. */
static bool use_kind(int *k, int want) {
  if (*k == K_UNSET)
    *k = want;
  return *k == want || (numeric(*k) && numeric(want));
}

/* Note the constant [c] compared with fact [i] (its items when [items]). */
static bool add_const(walker *w, int i, val c, bool items, bool ordered) {
  lfact *f = &w->f[i];
  int *k = items ? &f->item : &f->kind;
  if (items && !use_kind(&f->kind, V_LIST))
    return out(w, "a fact used as a list and as something else"), false;
  if (c.kind != V_BOOL && !numeric(c.kind) && c.kind != V_STRING)
    return out(w, "a comparison with a value that is no number, string "
                  "or bool"), false;
  if (!use_kind(k, c.kind))
    return out(w, "a fact compared with values of two types"), false;
  if (f->nconsts == MAX_CONSTS)
    return out(w, "a fact compared with too many constants"), false;
  f->consts[f->nconsts++] = c;
  f->ordered |= ordered;
  return true;
}

/* A fact path used where a bool is: a bool fact (or, for a macro
 * variable, a list of bools). */
static cls as_bool(walker *w, cls c) {
  if (c.k == C_PATH) {
    int i = fact_at(w, c.path);
    if (i < 0 || !use_kind(&w->f[i].kind, V_BOOL))
      return out(w, "a fact used as a bool and as something else");
    return (cls){.k = C_BOOL};
  }
  if (c.k == C_ITEM) {
    if (!use_kind(&w->f[c.fact].item, V_BOOL))
      return out(w, "list items used as bools and as something else");
    return (cls){.k = C_BOOL};
  }
  if (c.k == C_CONST && c.c.kind == V_BOOL)
    return (cls){.k = C_BOOL};
  if (c.k == C_BOOL || c.k == C_OUT)
    return c;
  return out(w, "a value that is not a bool where a bool is needed");
}

/* ==== the walk =========================================================== */

static cls walk(walker *w, const ast *n, const diag_list *d);

/* The let of the policy named [name], or NULL. */
static const policy_stmt *let_of(walker *w, const char *name) {
  return lint_let(w->L->src, name);
}

static cls ident(walker *w, const ast *n) {
  for (int i = w->nvars - 1; i >= 0; i--)
    if (strcmp(w->var[i], n->name) == 0)
      return (cls){.k = C_ITEM, .fact = w->var_fact[i]};
  const policy_stmt *let = let_of(w, n->name);
  if (!let)
    return (cls){.k = C_PATH, .path = n->name};
  if (w->depth >= MAX_LET_DEPTH)
    return out(w, "lets nested too deeply");
  w->depth++;
  cls c = walk(w, let->n->kids[0], let->d);
  w->depth--;
  return c;
}

static cls select_(walker *w, const ast *n, const diag_list *d) {
  if (n->flags & AST_F_OPTIONAL)
    return out(w, "optional selection (.?)");
  cls c = walk(w, n->kids[0], d);
  if (c.k == C_CONST)
    return evaluate(w, n, d);
  if (c.k != C_PATH)
    return c.k == C_OUT ? c : out(w, "a field of a list item or of a "
                                     "computed value");
  if (strchr(n->name, '.'))
    return out(w, "a field name holding a dot");
  const char *path = arena_printf(w->a, "%s.%s", c.path, n->name);
  if (!path)
    return out(w, NULL);
  const policy_stmt *let = lint_let(w->L->src, path);
  if (!let) /* else a derived fact (data.region): its expression */
    return (cls){.k = C_PATH, .path = path};
  if (w->depth >= MAX_LET_DEPTH)
    return out(w, "lets nested too deeply");
  w->depth++;
  cls d2 = walk(w, let->n->kids[0], let->d);
  w->depth--;
  return d2;
}

/* has(path): a presence test; the path's objects on the way may be
 * absent too, which makes has() an error rather than false. */
static cls has(walker *w, const ast *n, const diag_list *d) {
  if (n->nkids != 1 || n->kids[0]->kind != AST_SELECT)
    return out(w, "has() of something other than a field");
  cls c = walk(w, n->kids[0], d);
  if (c.k != C_PATH)
    return c.k == C_OUT ? c : out(w, "has() of a computed value");
  if (fact_at(w, c.path) < 0)
    return (cls){.k = C_OUT};
  char *p = arena_strndup(w->a, c.path, strlen(c.path));
  for (char *dot = strrchr(p, '.'); dot; dot = strrchr(p, '.')) {
    *dot = '\0';
    int i = fact_at(w, arena_strndup(w->a, p, strlen(p)));
    if (i < 0 || !use_kind(&w->f[i].kind, K_OBJECT))
      return out(w, "an object used as a value");
  }
  return (cls){.k = C_BOOL};
}

/* size(path) or path.size(). */
static cls size(walker *w, const ast *n, const diag_list *d) {
  const ast *x = n->kids[0];
  cls c = walk(w, x, d);
  if (c.k == C_CONST)
    return evaluate(w, n, d);
  if (c.k != C_PATH)
    return c.k == C_OUT ? c : out(w, "size() of a computed value");
  return (cls){.k = C_SIZE, .path = c.path};
}

/* list.all(v, body), exists, exists_one: the body over the items. */
static cls quantifier(walker *w, const ast *n, const diag_list *d) {
  if (n->nkids != 3 || n->kids[1]->kind != AST_IDENT)
    return out(w, "a macro of another shape");
  cls l = walk(w, n->kids[0], d);
  if (l.k != C_PATH)
    return l.k == C_OUT ? l : out(w, "a macro over a computed list");
  int i = fact_at(w, l.path);
  if (i < 0 || !use_kind(&w->f[i].kind, V_LIST))
    return out(w, "a macro over a fact that is not a list");
  if (w->nvars == MAX_VARS)
    return out(w, "macros nested too deeply");
  w->var[w->nvars] = n->kids[1]->name;
  w->var_fact[w->nvars++] = i;
  cls b = as_bool(w, walk(w, n->kids[2], d));
  w->nvars--;
  return b;
}

static cls call(walker *w, const ast *n, const diag_list *d) {
  static const char *const pure[] = {"int", "uint", "double", "string",
                                     "duration", "timestamp"};
  bool recv = n->flags & AST_F_RECEIVER;
  if (!strcmp(n->name, "has") && !recv)
    return has(w, n, d);
  if (!strcmp(n->name, "size") && n->nkids == 1)
    return size(w, n, d);
  if (recv && (!strcmp(n->name, "all") || !strcmp(n->name, "exists") ||
               !strcmp(n->name, "exists_one")))
    return quantifier(w, n, d);
  for (size_t i = 0; i < POL_COUNTOF(pure); i++)
    if (!recv && !strcmp(n->name, pure[i])) {
      for (uint32_t k = 0; k < n->nkids; k++)
        if (walk(w, n->kids[k], d).k != C_CONST)
          return out(w, "a conversion of a fact");
      return evaluate(w, n, d);
    }
  return out(w, arena_printf(w->a, "it calls %s()", n->name));
}

/* The comparison [op] of a fact side [f] with a constant [c]. */
static cls compare(walker *w, int op, cls f, cls c) {
  bool ordered = op != AST_OP_EQ && op != AST_OP_NE;
  if (c.c.kind == V_LIST && op != AST_OP_IN && c.c.as.l->n == 0 &&
      f.k == C_PATH) /* x == [] is size(x) == 0 */
    f.k = C_SIZE, c.c = val_int(0);
  if (f.k == C_SIZE) {
    int i = fact_at(w, f.path);
    if (i < 0 || op == AST_OP_IN || !numeric(c.c.kind) ||
        (w->f[i].kind != V_STRING && !use_kind(&w->f[i].kind, V_LIST)) ||
        w->f[i].nsizes == MAX_CONSTS)
      return out(w, "size() of a fact that is no list or string, or "
                    "compared with a non-number");
    double x = c.c.kind == V_INT ? (double)c.c.as.i
               : c.c.kind == V_UINT ? (double)c.c.as.u : c.c.as.d;
    w->f[i].sizes[w->f[i].nsizes++] = (int64_t)floor(x);
    if (floor(x) != x && w->f[i].nsizes < MAX_CONSTS)
      w->f[i].sizes[w->f[i].nsizes++] = (int64_t)ceil(x);
    return (cls){.k = C_BOOL};
  }
  int i = f.k == C_ITEM ? f.fact : fact_at(w, f.path);
  if (i < 0)
    return (cls){.k = C_OUT};
  if (op != AST_OP_IN)
    return add_const(w, i, c.c, f.k == C_ITEM, ordered) ? (cls){.k = C_BOOL}
                                                        : (cls){.k = C_OUT};
  if (c.c.kind != V_LIST)
    return out(w, "'in' with a right side that is not a list");
  for (uint32_t k = 0; k < c.c.as.l->n; k++)
    if (!add_const(w, i, c.c.as.l->items[k], f.k == C_ITEM, false))
      return (cls){.k = C_OUT};
  return (cls){.k = C_BOOL};
}

static bool is_cmp(int op) {
  return op == AST_OP_EQ || op == AST_OP_NE || op == AST_OP_LT ||
         op == AST_OP_LE || op == AST_OP_GT || op == AST_OP_GE ||
         op == AST_OP_IN;
}

/* [op] with the constant on the left: the same comparison, turned. */
static int turned(int op) {
  switch (op) {
  case AST_OP_LT: return AST_OP_GT;
  case AST_OP_LE: return AST_OP_GE;
  case AST_OP_GT: return AST_OP_LT;
  case AST_OP_GE: return AST_OP_LE;
  default: return op;
  }
}

static bool fact_side(cls c) {
  return c.k == C_PATH || c.k == C_SIZE || c.k == C_ITEM;
}

static cls binary(walker *w, const ast *n, const diag_list *d) {
  cls l = walk(w, n->kids[0], d), r = walk(w, n->kids[1], d);
  if (l.k == C_OUT || r.k == C_OUT)
    return (cls){.k = C_OUT};
  if (l.k == C_CONST && r.k == C_CONST)
    return evaluate(w, n, d);
  if (!is_cmp(n->op))
    return out(w, "arithmetic on facts");
  if (n->op == AST_OP_IN && l.k == C_CONST && r.k == C_PATH) {
    int i = fact_at(w, r.path); /* "x" in list_fact */
    if (i < 0 || !add_const(w, i, l.c, true, false))
      return (cls){.k = C_OUT};
    return (cls){.k = C_BOOL};
  }
  if (fact_side(l) && r.k == C_CONST)
    return compare(w, n->op, l, r);
  if (l.k == C_CONST && fact_side(r) && n->op != AST_OP_IN)
    return compare(w, turned(n->op), r, l);
  return out(w, "it compares a fact with another fact or computed value");
}

/* && || ?: and !: each operand a bool of the fragment. */
static cls logic(walker *w, const ast *n, const diag_list *d) {
  cls c[3];
  bool all_const = true;
  for (uint32_t k = 0; k < n->nkids && k < 3; k++) {
    c[k] = walk(w, n->kids[k], d);
    all_const &= c[k].k == C_CONST;
  }
  if (all_const)
    return evaluate(w, n, d);
  for (uint32_t k = 0; k < n->nkids && k < 3; k++)
    if (as_bool(w, c[k]).k == C_OUT)
      return (cls){.k = C_OUT};
  return (cls){.k = C_BOOL};
}

static cls list_lit(walker *w, const ast *n, const diag_list *d) {
  for (uint32_t k = 0; k < n->nkids; k++)
    if (walk(w, n->kids[k], d).k != C_CONST || (n->kids[k]->flags &
                                                AST_F_OPT_ELEM))
      return out(w, "a list that holds facts");
  return evaluate(w, n, d);
}

static cls walk(walker *w, const ast *n, const diag_list *d) {
  if (w->why)
    return (cls){.k = C_OUT};
  val v;
  if (literal(w, n, &v))
    return (cls){.k = C_CONST, .c = v};
  switch (n->kind) {
  case AST_IDENT: return ident(w, n);
  case AST_SELECT: return select_(w, n, d);
  case AST_CALL: return call(w, n, d);
  case AST_BINARY: return binary(w, n, d);
  case AST_AND: case AST_OR: case AST_COND: return logic(w, n, d);
  case AST_UNARY:
    if (n->op == AST_OP_NOT)
      return logic(w, n, d);
    return walk(w, n->kids[0], d).k == C_CONST ? evaluate(w, n, d)
                                                : out(w, "arithmetic on facts");
  case AST_LIST: return list_lit(w, n, d);
  case AST_INDEX: return out(w, "indexing (x[k])");
  case AST_MAP: case AST_MESSAGE: return out(w, "a map or message literal");
  default: return out(w, "an expression of another kind");
  }
}

/* ==== representatives ==================================================== */

static bool has_val(const val *v, uint32_t n, val x) {
  for (uint32_t i = 0; i < n; i++)
    if (v[i].kind == x.kind && val_equal(v[i], x))
      return true;
  return false;
}

typedef struct reps {
  val v[6 * MAX_CONSTS + 8]; /* room for int_reps and double_reps both */
  uint32_t n;
} reps;

static void rep_add(reps *r, val x) {
  if (r->n < POL_COUNTOF(r->v) && !has_val(r->v, r->n, x))
    r->v[r->n++] = x;
}

static double num(val c) {
  return c.kind == V_INT ? (double)c.as.i
         : c.kind == V_UINT ? (double)c.as.u : c.as.d;
}

/* Integers: c-1, c and c+1 around each constant (floor and ceiling of a
 * double one), so that every interval between constants has one. */
static void int_reps(reps *r, const val *c, uint32_t n, int kind) {
  for (uint32_t i = 0; i < n; i++) {
    double x = num(c[i]);
    if (!(fabs(x) < 9e15))
      continue; /* out of the exact range: none from it */
    for (int64_t k = (int64_t)floor(x) - 1; k <= (int64_t)ceil(x) + 1; k++)
      if (kind == V_INT)
        rep_add(r, val_int(k));
      else if (k >= 0)
        rep_add(r, val_uint((uint64_t)k));
  }
  if (r->n == 0)
    rep_add(r, kind == V_INT ? val_int(0) : val_uint(0));
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Doubles: each constant, the midpoints between them, and one below and
 * one above all. */
static void double_reps(reps *r, const val *c, uint32_t n) {
  double x[MAX_CONSTS];
  for (uint32_t i = 0; i < n; i++)
    x[i] = num(c[i]);
  qsort(x, n, sizeof *x, cmp_double);
  for (uint32_t i = 0; i < n; i++) {
    rep_add(r, val_double(x[i]));
    if (i + 1 < n && x[i] < x[i + 1])
      rep_add(r, val_double(x[i] + (x[i + 1] - x[i]) / 2));
  }
  rep_add(r, val_double(n ? x[0] - 1 : 0));
  if (n)
    rep_add(r, val_double(x[n - 1] + 1));
}

/* A string of [len] letters that is none of the [n] constants [c]. */
static val fresh(walker *w, const val *c, uint32_t n, int64_t len) {
  char buf[4 * MAX_CONSTS + 8];
  for (char ch = 'x'; ch <= 'z'; ch++) {
    memset(buf, ch, (size_t)len);
    buf[len] = '\0';
    val v = val_cstring(w->a, buf);
    if (!has_val(c, n, v))
      return v;
  }
  return val_cstring(w->a, "");
}

/* Strings whose size() is compared: each constant, and for each length
 * that matters a string of that length that is no constant. */
static void sized_string_reps(walker *w, reps *r, const lfact *f) {
  for (uint32_t i = 0; i < f->nconsts; i++)
    rep_add(r, f->consts[i]);
  rep_add(r, fresh(w, f->consts, f->nconsts, 0));
  for (uint32_t i = 0; i < f->nsizes; i++)
    for (int64_t k = f->sizes[i] - 1; k <= f->sizes[i] + 1; k++)
      if (k >= 0 && k < 4 * MAX_CONSTS)
        rep_add(r, fresh(w, f->consts, f->nconsts, k));
}

/* Strings: each constant and one other; compared by order, "" and, for
 * each constant, the string right above it (c + "\x01"). */
static void string_reps(walker *w, reps *r, const val *c, uint32_t n,
                        bool ordered) {
  for (uint32_t i = 0; i < n; i++) {
    rep_add(r, c[i]);
    const char *above =
        ordered ? arena_printf(w->a, "%s\x01", c[i].as.s->data) : NULL;
    if (above)
      rep_add(r, val_cstring(w->a, above));
    else if (ordered)
      out(w, NULL);
  }
  if (ordered)
    rep_add(r, val_cstring(w->a, ""));
  char other[32] = "other";
  for (int k = 2; has_val(r->v, r->n, val_cstring(w->a, other)); k++)
    snprintf(other, sizeof other, "other%d", k);
  rep_add(r, val_cstring(w->a, other));
}

/* The values the schema allows, as representatives: each one compared
 * with, and one of the others (which no comparison tells apart); all of
 * them when compared by order. */
static void allowed_reps(reps *r, val allowed, const val *c, uint32_t n,
                         bool ordered) {
  bool other = false;
  for (uint32_t i = 0; i < allowed.as.l->n; i++) {
    val x = allowed.as.l->items[i];
    if (ordered || has_val(c, n, x))
      rep_add(r, x);
    else if (!other)
      rep_add(r, x), other = true;
  }
}

/* The representatives of values of [kind] compared with [c] ([n] of
 * them), among the [allowed] values when the schema lists them. A kind
 * not [declared] is only what the constants suggest: a fact compared
 * with 7 may hold 6.5 in a vendor's file (CEL compares them), so an
 * undeclared integer fact takes the classes of doubles too. */
static bool scalar_reps(walker *w, reps *r, int kind, const val *c,
                        uint32_t n, bool ordered, val allowed,
                        bool declared) {
  r->n = 0;
  if (allowed.kind == V_LIST) {
    allowed_reps(r, allowed, c, n, ordered);
    return r->n > 0;
  }
  switch (kind) {
  case V_BOOL: rep_add(r, val_bool(true)); rep_add(r, val_bool(false)); break;
  case V_INT: case V_UINT:
    int_reps(r, c, n, kind);
    if (!declared)
      double_reps(r, c, n);
    break;
  case V_DOUBLE: double_reps(r, c, n); break;
  case V_STRING: string_reps(w, r, c, n, ordered); break;
  case K_OBJECT: rep_add(r, val_map_strings(w->a, NULL, NULL, 0)); break;
  case V_MAP: rep_add(r, val_map_strings(w->a, NULL, NULL, 0)); break;
  default: return false;
  }
  return true;
}

/* Sizes at which a list's size() comparisons change: k-1, k, k+1. */
static bool size_matters(const lfact *f, int64_t n) {
  for (uint32_t i = 0; i < f->nsizes; i++)
    if (n >= f->sizes[i] - 1 && n <= f->sizes[i] + 1)
      return true;
  return false;
}

/* A list of [size] items: the items of subset [bits] of [it], repeated
 * from the first to reach [size]. */
static val list_of(walker *w, const reps *it, uint32_t bits, int64_t size) {
  val items[MAX_ITEMS + 4 * MAX_CONSTS];
  uint32_t n = 0;
  for (uint32_t i = 0; i < it->n; i++)
    if (bits & (1u << i))
      items[n++] = it->v[i];
  for (uint32_t first = n; n < size && n < POL_COUNTOF(items); n++)
    items[n] = items[n % first];
  return val_list(w->a, items, n);
}

/* Lists: every subset of the items' representatives, each at its own
 * size and at every larger size that a size() comparison tells apart. */
static bool list_reps(walker *w, lfact *f) {
  reps it;
  int item = f->item == K_UNSET ? V_STRING : f->item;
  if (!scalar_reps(w, &it, item, f->consts, f->nconsts, f->ordered,
                   f->allowed, f->declared && f->item != K_UNSET))
    return out(w, "a list of values other than numbers, strings or "
                  "bools"), false;
  if (it.n > MAX_ITEMS)
    return out(w, "a list compared with too many values"), false;
  int64_t top = 0;
  for (uint32_t i = 0; i < f->nsizes; i++)
    top = f->sizes[i] + 1 > top ? f->sizes[i] + 1 : top;
  size_t cap = ((size_t)1 << it.n) * (size_t)(top + 2) + 1;
  f->reps = arena_alloc(w->a, cap * sizeof *f->reps);
  if (!f->reps)
    return false;
  for (uint32_t bits = 0; bits < (1u << it.n); bits++) {
    int64_t k = __builtin_popcount(bits);
    f->reps[f->nreps++] = list_of(w, &it, bits, k);
    for (int64_t s = k + 1; bits && s <= top && s < 4 * MAX_CONSTS; s++)
      if (size_matters(f, s))
        f->reps[f->nreps++] = list_of(w, &it, bits, s);
  }
  return true;
}

static bool fact_reps(walker *w, lfact *f) {
  if (f->kind == V_LIST)
    return list_reps(w, f);
  if (f->nsizes && f->kind != V_STRING)
    return out(w, "size() of a fact that is no list or string"), false;
  reps r;
  int kind = f->kind == K_UNSET ? K_OBJECT : f->kind;
  if (f->nsizes && f->ordered && f->allowed.kind != V_LIST)
    return out(w, "size() of a string also compared by order"), false;
  r.n = 0;
  if (f->nsizes && f->allowed.kind == V_LIST) /* each allowed value */
    allowed_reps(&r, f->allowed, NULL, 0, true);
  else if (f->nsizes)
    sized_string_reps(w, &r, f);
  else if (!scalar_reps(w, &r, kind, f->consts, f->nconsts, f->ordered,
                        f->allowed, f->declared))
    return out(w, arena_printf(w->a, "a fact of type %s",
                               val_kind_name(f->kind))), false;
  f->reps = arena_alloc(w->a, (r.n + 1) * sizeof *f->reps);
  if (!f->reps)
    return false;
  memcpy(f->reps, r.v, r.n * sizeof *r.v);
  f->nreps = r.n;
  return true;
}

/* ==== fact sets ========================================================== */

static int fact_order(const void *a, const void *b) {
  const lfact *x = a, *y = b;
  for (uint32_t i = 0; i < x->nsegs && i < y->nsegs; i++) {
    int c = strcmp(x->segs[i], y->segs[i]);
    if (c)
      return c;
  }
  return (int)x->nsegs - (int)y->nsegs;
}

/* Whether fact [i] of [f] (sorted: the facts inside one follow it) has
 * another fact inside it. */
static bool holds_others(const lfact *f, uint32_t nf, uint32_t i) {
  if (i + 1 >= nf || f[i + 1].nsegs <= f[i].nsegs)
    return false;
  for (uint32_t k = 0; k < f[i].nsegs; k++)
    if (strcmp(f[i].segs[k], f[i + 1].segs[k]) != 0)
      return false;
  return true;
}

/* The object holding facts [i, j) of [s], which share their first
 * [depth] segments, for combination [pick] (a representative per fact;
 * nreps is absent). NULL-kind val when nothing in it is present. */
static val object(arena *a, const lfact *f, uint32_t i, uint32_t j,
                  uint32_t depth, const uint32_t *pick) {
  val keys[MAX_FACTS], vals[MAX_FACTS];
  size_t n = 0;
  while (i < j) {
    const char *seg = f[i].segs[depth];
    uint32_t m = i;
    while (m < j && f[m].nsegs > depth && !strcmp(f[m].segs[depth], seg))
      m++;
    val v = val_null();
    if (f[i].nsegs > depth + 1) /* no fact here: an object on the way */
      v = object(a, f, i, m, depth + 1, pick);
    else if (pick[i] < f[i].nreps && f[i].kind != K_OBJECT)
      v = f[i].reps[pick[i]];
    else if (pick[i] < f[i].nreps) /* a present object, maybe empty */
      v = object(a, f, i + 1, m, depth + 1, pick);
    if (f[i].nsegs == depth + 1 && f[i].kind == K_OBJECT &&
        pick[i] < f[i].nreps && v.kind == V_NULL)
      v = val_map_strings(a, NULL, NULL, 0);
    if (v.kind != V_NULL) {
      keys[n] = val_cstring(a, seg);
      vals[n++] = v.kind == V_LIST ? val_list(a, v.as.l->items, v.as.l->n)
                                   : v;
    }
    i = m;
  }
  return n ? val_map_strings(a, keys, vals, n) : val_null();
}

/* Combination [k] as one representative per fact (mixed radix). */
static void pick_of(const lint_space *s, size_t k, uint32_t *pick) {
  for (uint32_t i = 0; i < s->nf; i++) {
    pick[i] = (uint32_t)(k % (s->f[i].nreps + 1));
    k /= s->f[i].nreps + 1;
  }
}

/* The fact set of combination [k], in [a]. */
static val facts_of(arena *a, const lint_space *s, size_t k) {
  uint32_t pick[MAX_FACTS];
  pick_of(s, k, pick);
  val v = object(a, s->f, 0, s->nf, 0, pick);
  return v.kind == V_MAP ? v : val_map_strings(a, NULL, NULL, 0);
}

/* What entry [entry] of [p] gives for [vars]. */
static outcome run(vm *v, const program *p, uint32_t entry, const map *vars) {
  val x = vm_run(v, p, entry, vars);
  if (x.kind == V_BOOL)
    return x.as.b ? OUT_TRUE : OUT_FALSE;
  if (x.kind == V_ERROR && x.as.e->kind == ERR_ABSENT &&
      (x.as.e->flags & ERRF_FACT))
    return OUT_UNKNOWN;
  return OUT_ERROR;
}

/* Evaluate every combination of [s]. */
static bool evaluate_all(lint_run *L, lint_space *s) {
  arena scratch;
  arena_init(&scratch, 0, &L->a.m);
  bool ok = true;
  for (size_t k = 0; ok && k < s->n; k++) {
    arena_reset(&scratch);
    val vars = facts_of(&scratch, s, k);
    ok = vars.kind == V_MAP;
    if (ok)
      val_adopt(vars.as.m);
    for (uint32_t r = 0; ok && r < s->nrules; r++) {
      const rule *ru = s->rules[r];
      outcome wo = ru->when >= 0 ? run(&L->vm, L->pol->prog,
                                       (uint32_t)ru->when, vars.as.m)
                                 : OUT_TRUE;
      outcome ro = run(&L->vm, L->pol->prog, ru->require, vars.as.m);
      s->out[k * s->nrules + r] = (uint8_t)(wo << 2 | ro);
    }
  }
  arena_free(&scratch);
  return ok;
}

/* ==== the analysis ======================================================= */

/* Walk the expressions of rule [r] into [w]. */
static void walk_rule(walker *w, uint32_t r) {
  const policy_stmt *s = &w->L->src->rules[r];
  for (uint32_t i = 0; i < s->n->nkids; i++) {
    const ast *c = s->n->kids[i];
    if (c->kind == AST_CLAUSE && (!strcmp(c->name, "when") ||
                                  !strcmp(c->name, "require")))
      as_bool(w, walk(w, c->kids[0], s->d));
  }
}

/* A fact that holds others must be an object, and one tested only for
 * presence (or holding others) is one. */
static bool objects(walker *w) {
  for (uint32_t i = 0; i < w->nf; i++) {
    bool holds = holds_others(w->f, w->nf, i);
    if (holds && w->f[i].kind != K_OBJECT && w->f[i].kind != K_UNSET)
      return out(w, arena_printf(w->a, "it reads both %s and a fact "
                                 "inside it", w->f[i].path)), false;
    if (holds || w->f[i].kind == K_UNSET)
      w->f[i].kind = K_OBJECT;
  }
  return true;
}

/* The analysis of rules [rules] (one or two) together, made in [a], or
 * NULL with the reason in *[why]. */
static lint_space *analyse(lint_run *L, arena *a, const uint32_t *rules,
                           int nrules, const char **why) {
  /* not zeroed whole: its facts (9 KB) are each cleared as they are
   * added (fact_at), and duplicate analyses a pair of rules for every
   * two that read the same facts, where clearing them was 40 % of it */
  walker *w = mem_alloc(&L->a.m, sizeof *w);
  lint_space *s = NULL;
  if (!w)
    return NULL;
  w->L = L;
  w->nf = 0;
  w->why = NULL;
  w->nvars = 0;
  w->depth = 0;
  w->a = a;
  for (int i = 0; i < nrules; i++)
    walk_rule(w, rules[i]);
  qsort(w->f, w->nf, sizeof *w->f, fact_order);
  size_t n = 1;
  if (!w->why && objects(w))
    for (uint32_t i = 0; i < w->nf && !w->why; i++)
      if (fact_reps(w, &w->f[i]) &&
          (n *= w->f[i].nreps + 1) > MAX_COMBOS)
        out(w, "its facts take too many combinations of values");
  if (!w->why && (s = arena_zalloc(a, sizeof *s))) {
    s->f = arena_alloc(a, (w->nf + 1) * sizeof *s->f);
    s->out = arena_alloc(a, n * (size_t)nrules);
    if (s->f && s->out) {
      memcpy(s->f, w->f, w->nf * sizeof *s->f);
      s->nf = w->nf;
      s->n = n;
      s->nrules = (uint32_t)nrules;
      for (int i = 0; i < nrules; i++)
        s->rules[i] = &L->pol->rules[rules[i]];
      if (!evaluate_all(L, s))
        s = NULL;
    } else {
      s = NULL;
    }
  }
  *why = w->why;
  mem_free(&L->a.m, w);
  return s;
}

const lint_space *lint_space_of(lint_run *L, uint32_t r) {
  if (!L->tried[r]) {
    const char *why;
    L->tried[r] = true;
    L->spaces[r] = analyse(L, &L->a, &r, 1, &why);
    L->why[r] = why;
  }
  return L->spaces[r];
}

const char *lint_space_why(lint_run *L, uint32_t r) {
  lint_space_of(L, r);
  return L->why[r];
}

size_t lint_space_count(const lint_space *s) { return s->n; }
size_t lint_space_facts(const lint_space *s) { return s->nf; }

outcome lint_space_when(const lint_space *s, size_t k) {
  return (outcome)(s->out[k * s->nrules] >> 2);
}

outcome lint_space_require(const lint_space *s, size_t k) {
  return (outcome)(s->out[k * s->nrules] & 3);
}

/* The verdict of outcomes [o] (when << 2 | require), as report.c. */
static int verdict_of(uint8_t o) {
  static const int when[] = {-1, VD_SKIPPED, VD_UNKNOWN, VD_ERROR};
  static const int req[] = {VD_PASS, VD_FAIL, VD_UNKNOWN, VD_ERROR};
  return when[o >> 2] >= 0 ? when[o >> 2] : req[o & 3];
}

int lint_space_verdict(const lint_space *s, size_t k) {
  return verdict_of(s->out[k * s->nrules]);
}

long lint_space_find(const lint_space *s, int when, int require) {
  for (size_t k = 0; k < s->n; k++)
    if ((when < 0 || (int)lint_space_when(s, k) == when) &&
        (require < 0 || (int)lint_space_require(s, k) == require))
      return (long)k;
  return -1;
}

const char *lint_space_witness(lint_run *L, const lint_space *s, size_t k) {
  arena scratch;
  sbuf b;
  arena_init(&scratch, 0, &L->a.m);
  sb_init(&b, &L->a.m);
  json_write(&b, facts_of(&scratch, s, k), 0);
  const char *t = b.oom ? NULL : arena_strndup(&L->a, b.p, b.len);
  sb_free(&b);
  arena_free(&scratch);
  return t;
}

bool lint_space_pair(lint_run *L, uint32_t a, uint32_t b, lint_pair *out_) {
  if (!lint_space_of(L, a) || !lint_space_of(L, b))
    return false;
  const char *why;
  uint32_t rules[2] = {a, b};
  arena_reset(&L->pair); /* the last pair's analysis */
  lint_space *s = analyse(L, &L->pair, rules, 2, &why);
  if (!s)
    return false;
  out_->n = s->n;
  out_->verdicts = arena_alloc(&L->pair, 2 * s->n);
  for (size_t k = 0; out_->verdicts && k < 2 * s->n; k++)
    out_->verdicts[k] = (uint8_t)verdict_of(s->out[k]);
  return out_->verdicts != NULL;
}
