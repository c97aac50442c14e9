/*
 * explain.c: the tree of sub-expressions of each rule and its values for
 * one vendor (explain.h).
 *
 * Building: every rule's `when` and `require` are walked in pre-order
 * into nodes: && || ! ?: and comparisons open into their operands, a
 * call into its arguments, a quantifier (all, exists, exists_one) into
 * its range and its body, a let or derived fact into its expression;
 * literals are left out, and so is anything deeper than MAX_DEPTH or past
 * MAX_NODES a rule. Each node is compiled as an entry of one program with
 * the policy's lets, so a sub-expression evaluates exactly as it does
 * inside the rule. A macro variable in a body compiles to a variable
 * lookup, which explain_rule answers by binding it.
 *
 * Explaining evaluates the nodes in order. A quantifier's range is
 * evaluated and its items run through the body until one decides it (the
 * first that fails an all(), the first that passes an exists()); the
 * body's nodes are then evaluated with the variable bound to that item.
 */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "format.h"
#include "report.h"

enum { MAX_DEPTH = 8, MAX_NODES = 64 };

/* ==== building =========================================================== */

typedef struct builder {
  explainer *x;
  const policy_source *src;
  compiler *cg;
  uint32_t first;  /* the current rule's first node */
  bool oom;
} builder;

/* The dotted name a.b.c that [n] spells, into [buf]; false if other. */
static bool dotted(const ast *n, char *buf, size_t cap) {
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED))
    return (size_t)snprintf(buf, cap, "%s", n->name) < cap;
  if (n->kind != AST_SELECT || (n->flags & AST_F_OPTIONAL) ||
      !dotted(n->kids[0], buf, cap))
    return false;
  size_t k = strlen(buf);
  return (size_t)snprintf(buf + k, cap - k, ".%s", n->name) < cap - k;
}

static bool is_literal(const ast *n) {
  return n->kind <= AST_BYTES_LIT;
}

static bool is_cmp(int op) {
  return op >= AST_OP_EQ && op <= AST_OP_IN;
}

static bool quantifier(const ast *n) {
  return n->kind == AST_CALL && (n->flags & AST_F_RECEIVER) &&
         n->nkids == 3 && n->kids[1]->kind == AST_IDENT &&
         (!strcmp(n->name, "all") || !strcmp(n->name, "exists") ||
          !strcmp(n->name, "exists_one"));
}

static xkind kind_of(builder *B, const ast *n, const policy_stmt **let) {
  char buf[512];
  *let = dotted(n, buf, sizeof buf) ? policy_source_let(B->src, buf) : NULL;
  if (*let)
    return XK_LET;
  switch (n->kind) {
  case AST_AND: return XK_AND;
  case AST_OR: return XK_OR;
  case AST_COND: return XK_COND;
  case AST_UNARY: return n->op == AST_OP_NOT ? XK_NOT : XK_OTHER;
  case AST_BINARY: return is_cmp(n->op) ? XK_CMP : XK_OTHER;
  case AST_CALL: return quantifier(n) ? XK_QUANT : XK_CALL;
  case AST_IDENT: case AST_SELECT: case AST_INDEX: return XK_FACT;
  default: return XK_OTHER;
  }
}

static int32_t add(builder *B, const ast *n, const diag_list *d,
                   uint32_t depth, int role, int32_t parent, int32_t quant);

/* Whether [n] is the bare variable of the quantifier [quant] or of one
 * around it: its value is the item, shown with the quantifier. */
static bool macro_var(const builder *B, const ast *n, int32_t quant) {
  for (int32_t q = quant; n->kind == AST_IDENT && q >= 0;
       q = B->x->nodes[B->first + (uint32_t)q].quant)
    if (!strcmp(B->x->nodes[B->first + (uint32_t)q].var, n->name))
      return true;
  return false;
}

/* The operands of node [i] worth showing: those that are no literal and
 * no bare macro variable. */
static void operands(builder *B, int32_t i, uint32_t from, int32_t quant) {
  const xnode *x = &B->x->nodes[B->first + (uint32_t)i];
  const ast *n = x->n; /* copied: adding nodes moves them */
  const diag_list *d = x->d;
  uint32_t depth = x->depth + 1;
  int role = x->role;
  bool has = n->kind == AST_CALL && !strcmp(n->name, "has");
  for (uint32_t k = from; !has && k < n->nkids; k++)
    if (!is_literal(n->kids[k]) && !macro_var(B, n->kids[k], quant))
      add(B, n->kids[k], d, depth, role, i, quant);
}

/* Whether [n] (from [src]'s point of view) reads a fact: a name that is
 * neither a let nor a macro variable bound inside it, or a let that
 * does. A node that reads none is a constant: shown, not opened up. The
 * recursion follows the tree and the lets (bounded: no let cycle
 * compiles). */
static bool reads_facts(const policy_source *src, const ast *n,
                        const char **vars, int nvars, int depth) {
  if (depth > 32)
    return true;
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED)) {
    for (int i = 0; i < nvars; i++)
      if (!strcmp(vars[i], n->name))
        return false;
    const policy_stmt *let = policy_source_let(src, n->name);
    return !let || reads_facts(src, let->n->kids[0], NULL, 0, depth + 1);
  }
  char buf[512];
  const policy_stmt *let = n->kind == AST_SELECT && dotted(n, buf, sizeof buf)
                               ? policy_source_let(src, buf) : NULL;
  if (let)
    return reads_facts(src, let->n->kids[0], NULL, 0, depth + 1);
  const char *v[16];
  int nv = nvars < 15 ? nvars : 15;
  if (nv > 0) /* vars is NULL at the top: no memcpy from NULL (UBSan) */
    memcpy(v, vars, (size_t)nv * sizeof *v);
  if (quantifier(n))
    v[nv++] = n->kids[1]->name;
  for (uint32_t k = 0; k < n->nkids; k++)
    if (reads_facts(src, n->kids[k], v, nv, depth + 1))
      return true;
  return false;
}

/* The children of node [i]: operands, the range and body of a
 * quantifier (whose nodes know it binds their variable), a let's
 * expression (which sees no macro variable). */
static void children(builder *B, int32_t i, const policy_stmt *let,
                     int32_t quant) {
  xnode *x = &B->x->nodes[B->first + (uint32_t)i];
  if (x->depth + 1 >= MAX_DEPTH ||
      !reads_facts(B->src, x->n, NULL, 0, 0)) /* a constant: no more */
    return;
  if (x->kind == XK_LET) {
    add(B, let->n->kids[0], let->d, x->depth + 1, x->role, i, -1);
  } else if (x->kind == XK_QUANT) {
    const ast *n = x->n;
    const diag_list *d = x->d;
    uint32_t depth = x->depth + 1;
    int role = x->role;
    if (!is_literal(n->kids[0]))
      add(B, n->kids[0], d, depth, role, i, quant);
    add(B, n->kids[2], d, depth, role, i, i);
  } else if (x->kind != XK_FACT) {
    operands(B, i, 0, quant);
  }
}

static int32_t add(builder *B, const ast *n, const diag_list *d,
                   uint32_t depth, int role, int32_t parent, int32_t quant) {
  explainer *X = B->x;
  if (X->nnodes - B->first >= MAX_NODES || B->oom)
    return -1;
  if (!mem_grow(&X->a.m, (void **)&X->nodes, &X->cap_nodes, X->nnodes + 1,
                sizeof *X->nodes)) {
    B->oom = true;
    return -1;
  }
  const policy_stmt *let;
  xnode *x = &X->nodes[X->nnodes];
  memset(x, 0, sizeof *x);
  x->n = n;
  x->d = d;
  x->kind = (uint8_t)kind_of(B, n, &let);
  x->text = format_oneline(&X->a, d->src + n->sp.off, n->sp.len);
  if (!x->text) { /* out of memory */
    B->oom = true;
    return -1;
  }
  x->name = let ? let->n->name : NULL;
  x->derived = let && (let->n->flags & AST_F_DERIVED);
  x->var = x->kind == XK_QUANT ? n->kids[1]->name : NULL;
  x->macro = x->kind == XK_QUANT ? n->name : NULL;
  x->depth = depth;
  x->parent = parent;
  x->quant = quant;
  x->role = (uint8_t)role;
  x->op = n->op;
  x->entry = cg_entry(B->cg, n, (diag_list *)d);
  int32_t i = (int32_t)(X->nnodes++ - B->first);
  children(B, i, let, quant);
  return i;
}

/* The nodes of rule [r]: its `when`, then its `require`. */
static void build_rule(builder *B, uint32_t r) {
  const policy_stmt *s = &B->src->rules[r];
  B->first = B->x->nnodes;
  static const char *const roles[] = {"when", "require"};
  for (int role = 0; role < 2; role++)
    for (uint32_t k = 0; k < s->n->nkids; k++) {
      const ast *c = s->n->kids[k];
      if (c->kind == AST_CLAUSE && !strcmp(c->name, roles[role]))
        add(B, c->kids[0], s->d, 0, role, -1, -1);
    }
  B->x->rules[r] = (xrule){B->first, B->x->nnodes - B->first};
}

explainer *explain_new(const policy *pol) {
  if (!pol->src)
    return NULL;
  const mem *m = &pol->a.m;
  explainer *x = mem_calloc(m, 1, sizeof *x);
  compile_let *lets = mem_calloc(m, pol->src->nlets + 1, sizeof *lets);
  if (!x || !lets) {
    mem_free(m, x);
    mem_free(m, lets);
    return NULL;
  }
  x->pol = pol;
  x->rule = -1;
  arena_init(&x->a, 0, m);
  arena_init(&x->run, 0, m);
  /* the limits of the policy's env, which pol_check has on a ctx of it:
   * a rule that runs out of steps there is ERROR here too */
  vm_init(&x->vm, pol->max_steps, pol->max_memory, m);
  sb_init(&x->out, m);
  for (size_t i = 0; i < pol->src->nlets; i++)
    lets[i] = (compile_let){pol->src->lets[i].n->name,
                            pol->src->lets[i].n->kids[0],
                            pol->src->lets[i].d,
                            (pol->src->lets[i].n->flags & AST_F_DERIVED) != 0,
                            pol->src->lets[i].prelude};
  compile_opts o = {.lets = lets, .nlets = pol->src->nlets};
  builder B = {x, pol->src, cg_new(&o, m), 0, false};
  x->rules = mem_calloc(m, pol->nrules + 1, sizeof *x->rules);
  for (uint32_t r = 0; B.cg && x->rules && r < pol->nrules; r++)
    build_rule(&B, r);
  x->prog = B.cg ? cg_finish(B.cg) : NULL;
  mem_free(m, lets);
  if (!x->prog || B.oom || !x->rules) {
    explain_free(x);
    return NULL;
  }
  return x;
}

void explain_free(explainer *x) {
  if (!x)
    return;
  const mem m = x->a.m; /* the arena keeps it after arena_free */
  program_free(x->prog);
  mem_free(&m, x->nodes);
  mem_free(&m, x->rules);
  arena_free(&x->a);
  arena_free(&x->run);
  vm_free(&x->vm);
  sb_free(&x->out);
  mem_free(&m, x);
}

const xnode *explain_nodes(const explainer *x, uint32_t *n) {
  if (x->rule < 0) {
    *n = 0;
    return NULL;
  }
  *n = x->rules[x->rule].n;
  return x->nodes + x->rules[x->rule].first;
}

/* ==== evaluating ========================================================= */

/* [vars] with [name] bound to [v]: a copy of the root map, marked a fact
 * set's root (so a missing variable is a missing fact) without touching
 * the containers below, which stay the vendor's. */
static const map *bind(explainer *x, const map *vars, const char *name,
                       val v) {
  uint32_t n = vars ? vars->n : 0, k = 0;
  val *keys = arena_alloc(&x->run, (n + 1) * sizeof *keys);
  val *vals = arena_alloc(&x->run, (n + 1) * sizeof *vals);
  if (!keys || !vals)
    return vars;
  for (uint32_t i = 0; i < n; i++)
    if (vars->keys[i].kind != V_STRING ||
        strcmp(vars->keys[i].as.s->data, name) != 0) {
      keys[k] = vars->keys[i];
      vals[k++] = vars->vals[i];
    }
  keys[k] = val_cstring(&x->run, name);
  vals[k++] = v;
  val m = val_map_strings(&x->run, keys, vals, k);
  if (m.kind != V_MAP)
    return vars;
  m.as.m->o.kind = ORIGIN_ROOT;
  return m.as.m;
}

/* vm_run of [entry] of [p]; a run that ran out of memory marks the
 * explanation lost (explain_rule fails rather than explain a node by
 * "out of memory"). */
static val run(explainer *x, const program *p, uint32_t entry,
               const map *vars) {
  val v = vm_run(&x->vm, p, entry, vars);
  if (v.kind == V_ERROR && v.as.e->kind == ERR_NOMEM)
    x->oom = true;
  return v;
}

/* Fill [out] from the result [v] of a node's entry. */
static void take(explainer *x, val v, xvalue *out) {
  if (v.kind != V_ERROR) {
    out->state = XS_VALUE;
    out->v = val_deepcopy(&x->run, v);
    return;
  }
  sbuf b;
  sb_init(&b, &x->a.m);
  vm_err_describe(&b, v.as.e, x->prog);
  x->oom |= b.oom;
  const char *msg = b.oom ? "?" : arena_strndup(&x->run, b.p, b.len);
  sb_free(&b);
  x->oom |= !msg;
  bool missing = v.as.e->kind == ERR_ABSENT && (v.as.e->flags & ERRF_FACT);
  out->state = missing ? XS_MISSING : XS_ERROR;
  const char *q = msg ? strchr(msg, '\'') : NULL;
  if (missing && q && strrchr(msg, '\'') > q) /* the path in quotes */
    msg = arena_strndup(&x->run, q + 1, (size_t)(strrchr(msg, '\'') - q - 1));
  out->msg = msg;
}

/* The variables to evaluate node [i] with: the vendor's, plus each
 * enclosing quantifier's variable bound to its deciding item; NULL
 * (through *[ok]) when one of them has none. */
static const map *scope(explainer *x, const xnode *nodes, uint32_t i,
                        bool *ok) {
  int32_t q = nodes[i].quant;
  *ok = true;
  if (q < 0)
    return x->vars;
  if (!x->values[q].decided) {
    *ok = false;
    return NULL;
  }
  const map *outer = scope(x, nodes, (uint32_t)q, ok);
  return *ok ? bind(x, outer, nodes[q].var, x->values[q].item_v) : NULL;
}

/* The index of the child of [q] holding its range, or -1. */
static int32_t range_node(const xnode *nodes, uint32_t count, uint32_t q) {
  for (uint32_t k = q + 1; k < count; k++)
    if (nodes[k].parent == (int32_t)q && nodes[k].n == nodes[q].n->kids[0])
      return (int32_t)k;
  return -1;
}

static int32_t body_node(const xnode *nodes, uint32_t count, uint32_t q) {
  for (uint32_t k = q + 1; k < count; k++)
    if (nodes[k].parent == (int32_t)q && nodes[k].n == nodes[q].n->kids[2])
      return (int32_t)k;
  return -1;
}

/* How strongly an item decides the quantifier [macro] by its body's
 * result [b]: 2 for an item that decides it (false for all(), true for
 * exists()), 1 for an error (which decides it only when no item does),
 * else 0. */
static int decides(const char *macro, val b) {
  if (b.kind != V_BOOL)
    return 1;
  return b.as.b == (strcmp(macro, "all") != 0) ? 2 : 0;
}

/* The path of item [k] of the range [r] (a list, or a map's keys). */
static const char *item_path(explainer *x, val r, uint32_t k,
                             const char *range_text) {
  sbuf b;
  sb_init(&b, &x->a.m);
  if (r.kind == V_LIST && list_is_adopted(r.as.l)) {
    report_place(&b, r.as.l, V_LIST, k);
  } else if (r.kind == V_MAP) {
    sb_printf(&b, "%s[", range_text);
    val_print(&b, r.as.m->keys[k]);
    sb_putc(&b, ']');
  } else {
    sb_printf(&b, "%s[%u]", range_text, k);
  }
  x->oom |= b.oom;
  const char *p = b.oom ? NULL : arena_strndup(&x->run, b.p, b.len);
  sb_free(&b);
  x->oom |= !p;
  return p;
}

/* Find the item that decides quantifier node [q], evaluated in [vars]. */
static void decide(explainer *x, const xnode *nodes, uint32_t count,
                   uint32_t q, const map *vars) {
  int32_t rn = range_node(nodes, count, q), bn = body_node(nodes, count, q);
  if (rn < 0 || bn < 0)
    return;
  val r = val_deepcopy(&x->run, run(x, x->prog, nodes[rn].entry, vars));
  if (r.kind != V_LIST && r.kind != V_MAP)
    return; /* no range: no item decides it (its range node says why) */
  uint32_t n = r.kind == V_LIST ? r.as.l->n : r.as.m->n;
  int best = 0;
  uint32_t at = 0;
  for (uint32_t k = 0; k < n && best < 2; k++) {
    val item = r.kind == V_LIST ? r.as.l->items[k] : r.as.m->keys[k];
    int d = decides(nodes[q].macro,
                    run(x, x->prog, nodes[bn].entry,
                        bind(x, vars, nodes[q].var, item)));
    if (d > best)
      best = d, at = k;
  }
  if (best == 0) {
    x->values[q].uniform = true;
    x->values[q].nitems = n;
    return;
  }
  /* the vendor's own item (a copy keeps no link to the fact set, so a
   * missing field of it would not read as a missing fact) */
  val orig = run(x, x->prog, nodes[rn].entry, vars);
  bool adopted = (orig.kind == V_LIST && list_is_adopted(orig.as.l)) ||
                 (orig.kind == V_MAP && map_is_adopted(orig.as.m));
  val src = adopted ? orig : r;
  x->values[q].decided = true;
  x->values[q].item = item_path(x, src, at, nodes[rn].text);
  x->values[q].item_v = src.kind == V_LIST ? src.as.l->items[at]
                                           : src.as.m->keys[at];
}

/* What entry [entry] of the policy's own program gives for x->vars: 0
 * true, 1 false, 2 a missing fact, 3 another error (report.c's rules). */
static int outcome_of(explainer *x, uint32_t entry) {
  val v = run(x, x->pol->prog, entry, x->vars);
  if (v.kind == V_BOOL)
    return v.as.b ? 0 : 1;
  if (v.kind == V_ERROR && v.as.e->kind == ERR_ABSENT &&
      (v.as.e->flags & ERRF_FACT))
    return 2;
  return 3;
}

/* The verdict of rule [ru], exactly as `check` gives it. */
static int verdict_of(explainer *x, const rule *ru) {
  static const int when[] = {-1, VD_SKIPPED, VD_UNKNOWN, VD_ERROR};
  static const int req[] = {VD_PASS, VD_FAIL, VD_UNKNOWN, VD_ERROR};
  int w = ru->when >= 0 ? outcome_of(x, (uint32_t)ru->when) : 0;
  return when[w] >= 0 ? when[w] : req[outcome_of(x, ru->require)];
}

/* What node [i] of a quantifier's body gave, when the quantifier ran
 * over its items and none decided it: the body the same for each
 * ("true for each of its 3 items", for an all() that holds), its parts
 * once per item. NULL when that is not the case (not evaluated). */
static const char *uniform_body(explainer *x, const xnode *nodes,
                                uint32_t count, uint32_t i) {
  int32_t q = nodes[i].quant;
  bool inner = false; /* in a quantifier that itself ran per item */
  while (q >= 0 && !x->values[q].uniform) {
    if (x->values[q].decided)
      return NULL;
    q = nodes[q].quant;
    inner = true;
  }
  const xvalue *qv = q >= 0 ? &x->values[q] : NULL;
  if (!qv)
    return NULL;
  if (qv->nitems == 0)
    return "no items";
  if (inner || body_node(nodes, count, (uint32_t)q) != (int32_t)i)
    return "evaluated for each item";
  const char *b = strcmp(nodes[q].macro, "all") == 0 ? "true" : "false";
  return qv->nitems == 1
             ? arena_printf(&x->run, "%s for its one item", b)
             : arena_printf(&x->run, "%s for each of its %u items", b,
                            qv->nitems);
}

/* Whether the vendor gives a value of its own at the dotted [path] (as
 * vm.c opt_fact finds it): a derived fact's expression is then not
 * evaluated (compile.c use_let). */
static bool stated(const map *vars, const char *path) {
  const map *m = vars;
  for (const char *s = path; m;) {
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    const val *v = map_get_str(m, s, n, val_hash_bytes(s, n));
    if (!v || !dot)
      return v != NULL;
    m = v->kind == V_MAP ? v->as.m : NULL;
    s = dot + 1;
  }
  return false;
}

/* Whether node [i] lies in the arm of a ?: that was not taken, in the
 * expression of a derived fact the vendor states, or under a node that
 * was not evaluated: what it would give does not matter. */
static bool untaken(explainer *x, const xnode *nodes, uint32_t count,
                    uint32_t i) {
  int32_t p = nodes[i].parent;
  if (p < 0)
    return false;
  if (x->values[p].state == XS_SKIPPED) {
    const char *u = uniform_body(x, nodes, count, i);
    x->values[i].msg = u ? u : x->values[p].msg;
    return true;
  }
  if (nodes[p].kind == XK_LET && nodes[p].derived &&
      stated(x->vars, nodes[p].name)) {
    x->values[i].msg = "not evaluated: the vendor states it";
    return true;
  }
  if (nodes[p].kind != XK_COND)
    return false;
  const ast *cn = nodes[p].n->kids[0];
  if (nodes[i].n == cn)
    return false;
  x->values[i].msg = "not taken";
  for (uint32_t k = (uint32_t)p + 1; k < count; k++)
    if (nodes[k].parent == p && nodes[k].n == cn) {
      const xvalue *v = &x->values[k];
      if (v->state != XS_VALUE || v->v.kind != V_BOOL)
        return false;
      return nodes[i].n != nodes[p].n->kids[v->v.as.b ? 1 : 2];
    }
  return false;
}

/* Evaluate node [i] of the rule, and for a quantifier find its item. */
static void evaluate(explainer *x, const xnode *nodes, uint32_t count,
                     uint32_t i) {
  bool ok;
  if (untaken(x, nodes, count, i)) {
    x->values[i].state = XS_SKIPPED;
    return;
  }
  const map *vars = scope(x, nodes, i, &ok);
  if (!ok) {
    x->values[i].state = XS_SKIPPED;
    x->values[i].msg = uniform_body(x, nodes, count, i);
    return;
  }
  take(x, run(x, x->prog, nodes[i].entry, vars), &x->values[i]);
  if (nodes[i].kind == XK_QUANT) /* an error too: from which item */
    decide(x, nodes, count, i, vars);
}

/* Whether the path [long_] goes on from [short_] (`backup` to
 * `backup.generations` or `items["3.2"]`). */
static bool extends(const char *long_, const char *short_) {
  size_t n = strlen(short_);
  return strncmp(long_, short_, n) == 0 &&
         (long_[n] == '.' || long_[n] == '[');
}

/* Whether [path] is [part] or goes on from it. */
static bool within(const char *path, const char *part) {
  return strcmp(path, part) == 0 || extends(path, part);
}

/* A missing fact is named by the whole path the rule tried to read, as
 * the report names it: a run's error names only the first part that is
 * absent (`backup` of backup.generations), and in a quantifier's body
 * the part in its variable's terms (`s.company`). A fact node missing
 * (a part of) its own text is missing its path, the item's path for the
 * variable (subprocessors[0].company); a node above it missing the same,
 * the path below it, from its first child that has one. Children come
 * after their parent, so from the end each parent ends with its first. */
static void whole_paths(explainer *x, const xnode *nodes, uint32_t count) {
  const char **was = arena_alloc(&x->run, (count + 1) * sizeof *was);
  if (!was)
    return; /* explain_rule fails: the arena says so */
  for (uint32_t i = 0; i < count; i++)
    was[i] = x->values[i].state == XS_MISSING ? x->values[i].msg : NULL;
  for (uint32_t i = count; i-- > 0;) {
    xvalue *v = &x->values[i];
    if (!was[i])
      continue;
    if (nodes[i].kind == XK_FACT && within(nodes[i].text, was[i])) {
      const char *path = explain_path(x, i);
      if (path)
        v->msg = path;
    }
    int32_t p = nodes[i].parent;
    if (p >= 0 && was[p] && within(was[i], was[p]))
      x->values[p].msg = v->msg;
  }
}

bool explain_rule(explainer *x, const map *vars, uint32_t r, lang l) {
  arena_reset(&x->run);
  x->oom = false;
  x->rule = (int32_t)r;
  x->vars = vars;
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  x->values = arena_zalloc(&x->run, (count + 1) * sizeof *x->values);
  if (!x->values) { /* no values: no explanation for the accessors */
    x->rule = -1;
    return false;
  }
  for (uint32_t i = 0; i < count; i++)
    evaluate(x, nodes, count, i);
  whole_paths(x, nodes, count);
  x->verdict = verdict_of(x, &x->pol->rules[r]);
  x->sentence = x->verdict == VD_FAIL ? explain_say(x, l) : NULL;
  if (x->oom || x->run.failed) { /* a value, a text or a scope lost: an
                                    explanation with a part missing or
                                    wrong is none */
    x->rule = -1;
    return false;
  }
  return true;
}
