/*
 * residual_text.c: a rule's residual from its text (residual.h).
 *
 * The compiler inlined the rule's lets and kept no tree, so the text of
 * `when`, `require` and each let they use is parsed again (policy.h
 * expr_src: a span of one of the program's sources, which saved policies
 * keep) and the lets are inlined again by the compiler's rules: a name
 * that is no macro variable and names a let is that let's expression,
 * itself with its lets inlined, read in its own scope (a fact it names
 * that a macro variable at the place of use would hide is marked `.x`).
 * Then residual.c evaluates it in part, and the decisive facts are the
 * paths in the residual that still end in a missing fact.
 */
#include "residual.h"

#include <string.h>

#include "compile.h"
#include "parse.h"
#include "pol.h"
#include "report.h"

#define LOCALS_MAX 64

/* Lets being inlined: the trees are kept in the context (residual.h). */
typedef struct inliner {
  pe *e;
  const policy *p;
  const ast **done;   /* per let: its inlined tree, once made */
  bool *busy;         /* per let: being inlined (a cycle guard) */
  const char *err;    /* the first parse error */
  int nest;           /* lets being inlined, one inside the other */
  uint32_t deep;      /* inline_tree()s under way, across those lets */
  bool too_deep;      /* too many of either (LETS_MAX, DEEP_MAX) */
} inliner;

typedef struct scope {
  const char *names[LOCALS_MAX];
  int n;
} scope;

static bool in_scope(const scope *s, const char *name) {
  for (int i = s->n - 1; i >= 0; i--)
    if (strcmp(s->names[i], name) == 0)
      return true;
  return false;
}

/* ==== parsing the texts ================================================== */

/* Move the spans of a tree parsed from a text that starts at [at] to
 * where they are in the whole source. */
static void shift(ast *n, const expr_src *at, int depth) {
  if (!n || depth > POL_MAX_PARSE_DEPTH * 2)
    return;
  if (n->sp.line == 1)
    n->sp.col += at->col - 1;
  n->sp.line += at->line - 1;
  n->sp.off += at->off;
  for (uint32_t i = 0; i < n->nkids; i++)
    shift(n->kids[i], at, depth + 1);
}

static ast *parse_text(inliner *in, const expr_src *at) {
  const program *prog = in->p->prog;
  if (at->src >= prog->nsrcs) {
    in->err = "the expression's text is not in the policy";
    return NULL;
  }
  const source *s = &prog->srcs[at->src];
  diag_list d;
  diag_init(&d, s->name, s->text + at->off, at->len, &in->e->nodes->m);
  ast *root = parse_expr(in->e->nodes, &d);
  in->e->oom |= d.oom;
  if (!root && !in->err && !d.oom)
    in->err = "the expression's text does not parse";
  diag_free(&d);
  shift(root, at, 0);
  return root;
}

/* ==== inlining lets ====================================================== */

static const ast *inline_tree(inliner *in, const ast *n, scope *s, int depth);

/* Kid [i] of [n] becomes [k] in *[c], a copy of [n] made the first time
 * a kid changes: trees are shared, so an unchanged one is never copied. */
static void set_kid(inliner *in, const ast *n, ast **c, uint32_t i,
                    const ast *k) {
  if (k != n->kids[i] && !*c &&
      (*c = pe_node(in->e, n->kind, n->sp, n->nkids))) {
    ast **kids = (*c)->kids;
    **c = *n;
    (*c)->kids = kids;
    memcpy(kids, n->kids, n->nkids * sizeof *kids);
  }
  if (*c)
    (*c)->kids[i] = (ast *)k;
}

/* [n] with each free name that [s] holds marked rooted (.x): a let's
 * facts, which the macro variables around its place of use must not
 * capture. */
static const ast *root_names(inliner *in, const ast *n, const scope *s,
                             scope *inner, int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2)
    return n;
  if (n->kind == AST_IDENT) {
    if ((n->flags & AST_F_ROOTED) || !in_scope(s, n->name) ||
        in_scope(inner, n->name))
      return n;
    ast *c = pe_node(in->e, AST_IDENT, n->sp, 0);
    if (c) {
      *c = *n;
      c->flags |= AST_F_ROOTED;
    }
    return c ? c : n;
  }
  uint32_t first;
  int nv = pe_binds(n, &first), saved = inner->n;
  ast *c = NULL;
  for (uint32_t i = 0; i < n->nkids; i++) {
    if (nv && i == first)
      for (int v = 0; v < nv && inner->n < LOCALS_MAX; v++)
        inner->names[inner->n++] = n->kids[first + (uint32_t)v]->name;
    bool var = nv && i >= first && i < first + (uint32_t)nv;
    const ast *k = var ? n->kids[i]
                       : root_names(in, n->kids[i], s, inner, depth + 1);
    set_kid(in, n, &c, i, k);
  }
  inner->n = saved;
  return c ? c : n;
}

/* Each let inlined one inside another holds two scopes on the stack
 * (a kilobyte), each level of a tree a frame of inline_tree: past these
 * there is no residual. The checker bounds the depth of a let with its
 * lets written out (POL_MAX_INLINED_DEPTH); a saved policy is not
 * checked again. */
#define LETS_MAX 2048
#define DEEP_MAX (POL_MAX_INLINED_DEPTH + POL_MAX_PARSE_DEPTH * 2)

/* Let [i]'s expression with its own lets inlined, once. */
static const ast *let_tree(inliner *in, int i) {
  if (in->done[i] || in->busy[i])
    return in->done[i];
  if (in->nest >= LETS_MAX) {
    in->too_deep = true;
    return NULL;
  }
  in->busy[i] = true;
  in->nest++;
  ast *t = parse_text(in, &in->p->lets[i].at);
  scope none = {{0}, 0};
  const ast *r = t ? inline_tree(in, t, &none, 0) : NULL;
  in->nest--;
  in->busy[i] = false;
  if (in->too_deep) /* cut short: kept for no one */
    return NULL;
  return in->done[i] = r;
}


/* The let that [n] names, as the compiler finds it (compile.c
 * let_chain): a name that is no macro variable, or a select chain over
 * one whose dotted text names a let (a derived fact such as
 * data.region); -1 for none. */
static int let_named(inliner *in, const ast *n, const scope *s) {
  const ast *root = n;
  while (root->kind == AST_SELECT)
    root = root->kids[0];
  char buf[512];
  size_t len;
  if (root->kind != AST_IDENT || (root->flags & AST_F_ROOTED) ||
      in_scope(s, root->name) || !ast_dotted(n, buf, sizeof buf, &len))
    return -1;
  return (int)policy_let_find(in->p, buf);
}

/* A derived fact's use [n] is the vendor's own value at its path when
 * the vendor gives one, else its expression [t] (compile.c use_let):
 * has(PATH) ? PATH : EXPR, whose condition the residual decides per
 * vendor, so that a residual neither asks for the facts of a value the
 * vendor stated nor names the derived path where a detailed fact is
 * missing. */
static const ast *vendor_or(inliner *in, const ast *n, const ast *t) {
  ast *has = pe_node(in->e, AST_CALL, n->sp, 1),
      *c = pe_node(in->e, AST_COND, n->sp, 3);
  if (!has || !c)
    return t;
  has->name = "has";
  has->kids[0] = (ast *)n;
  c->flags |= AST_F_DERIVED; /* printed as the path (unparse.c) */
  c->kids[0] = has;
  c->kids[1] = (ast *)n;
  c->kids[2] = (ast *)t;
  return c;
}

static const ast *inline_name(inliner *in, const ast *n, scope *s, int i) {
  const ast *t = let_tree(in, i);
  if (!t)
    return n;
  scope inner = {{0}, 0};
  if (s->n)
    t = root_names(in, t, s, &inner, 0);
  return in->p->lets[i].derived ? vendor_or(in, n, t) : t;
}

static const ast *inline_node(inliner *in, const ast *n, scope *s,
                              int depth);

/* [n] with the lets it names inlined; [depth] in its own tree. */
static const ast *inline_tree(inliner *in, const ast *n, scope *s,
                              int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2 || in->e->oom)
    return n;
  if (in->deep >= DEEP_MAX) {
    in->too_deep = true;
    return n;
  }
  in->deep++;
  const ast *r = inline_node(in, n, s, depth);
  in->deep--;
  return r;
}

static const ast *inline_node(inliner *in, const ast *n, scope *s,
                              int depth) {
  int let = n->kind == AST_IDENT || n->kind == AST_SELECT
                ? let_named(in, n, s) : -1;
  if (let >= 0)
    return inline_name(in, n, s, let);
  if (n->kind == AST_IDENT)
    return n;
  uint32_t first;
  int nv = pe_binds(n, &first), saved = s->n;
  ast *c = NULL;
  for (uint32_t i = 0; i < n->nkids; i++) {
    if (nv && i == first)
      for (int v = 0; v < nv && s->n < LOCALS_MAX; v++)
        s->names[s->n++] = n->kids[first + (uint32_t)v]->name;
    bool var = nv && i >= first && i < first + (uint32_t)nv;
    const ast *k = var ? n->kids[i] : inline_tree(in, n->kids[i], s, depth + 1);
    set_kid(in, n, &c, i, k);
  }
  s->n = saved;
  return c ? c : n;
}

/* The tree of the text [at], lets inlined, made once and kept in
 * *[slot]; NULL (in->err set) when it does not parse, or its lets are
 * nested too deeply. */
static const ast *load(inliner *in, const expr_src *at, const ast **slot) {
  if (*slot)
    return *slot;
  arena *nodes = in->e->nodes;
  in->e->nodes = &in->e->c->trees; /* kept for the next vendors */
  ast *t = parse_text(in, at);
  scope s = {{0}, 0};
  *slot = t ? inline_tree(in, t, &s, 0) : NULL;
  in->e->nodes = nodes;
  if (in->too_deep) { /* its lets are not all in it: no residual */
    *slot = NULL;
    if (!in->err)
      in->err = "its lets are nested too deeply";
  }
  return *slot;
}

/* The context's kept trees, for [p]: made empty for a new policy. */
static bool trees_for(residual_ctx *c, const policy *p) {
  if (c->pol == p)
    return true;
  pe_forget(c);
  arena_reset(&c->trees);
  c->pol = p;
  c->when_t = arena_zalloc(&c->trees, (p->nrules + 1) * sizeof *c->when_t);
  c->req_t = arena_zalloc(&c->trees, (p->nrules + 1) * sizeof *c->req_t);
  c->lets_t = arena_zalloc(&c->trees, (p->nlets + 1) * sizeof *c->lets_t);
  c->busy = arena_zalloc(&c->trees, (p->nlets + 1) * sizeof *c->busy);
  if (c->when_t && c->req_t && c->lets_t && c->busy)
    return true;
  c->pol = NULL;
  return false;
}

/* ==== decisive facts ===================================================== */

typedef struct facts {
  pe *e;
  arena *keep;
  residual_fact *v;   /* the paths named, each once, in the order first
                         named (in keep) */
  uint32_t n, cap;
  uint32_t *slots;    /* v's paths by hash: index + 1, 0 for none (in
                         the rule's scratch, e->c->a; none while there
                         are FACTS_SCAN or fewer) */
  uint32_t nslots;
  sbuf path;
  uint32_t ends[POL_MAX_JSON_DEPTH + 2];
  uint32_t nends;
} facts;

/* The key of a literal index, as a value. */
static bool literal_key(const ast *k, val *out) {
  switch (k->kind) {
  case AST_INT_LIT: *out = val_int(k->lit.i); return true;
  case AST_UINT_LIT: *out = val_uint(k->lit.u); return true;
  case AST_BOOL_LIT: *out = val_bool(k->lit.b); return true;
  case AST_DOUBLE_LIT: *out = val_double(k->lit.d); return true; /* m[3.0] */
  default: return false;
  }
}

/* Whether [n] is a path: a name, then fields and literal indexes. */
static bool is_path(const ast *n, int depth) {
  if (depth > POL_MAX_JSON_DEPTH)
    return false;
  if (n->kind == AST_IDENT)
    return true;
  val k;
  if (n->kind == AST_INDEX)
    return (n->kids[1]->kind == AST_STRING_LIT ||
            literal_key(n->kids[1], &k)) &&
           is_path(n->kids[0], depth + 1);
  return n->kind == AST_SELECT && is_path(n->kids[0], depth + 1);
}

static const ast *path_root(const ast *n) {
  while (n->kind != AST_IDENT)
    n = n->kids[0];
  return n;
}

/* The text of the path [n] into f->path, in the report's syntax. */
static void path_text(facts *f, const ast *n, arena *a) {
  if (n->kind != AST_IDENT)
    path_text(f, n->kids[0], a);
  val k = val_null();
  if (n->kind == AST_IDENT || n->kind == AST_SELECT)
    k = val_string(a, n->name, strlen(n->name));
  else if (n->kids[1]->kind == AST_STRING_LIT)
    k = val_string(a, n->kids[1]->lit.s.p, n->kids[1]->lit.s.n);
  else
    literal_key(n->kids[1], &k);
  report_key_step(&f->path, k, n->kind == AST_IDENT);
  if (f->nends < POL_COUNTOF(f->ends))
    f->ends[f->nends++] = (uint32_t)f->path.len;
}

/* The text of the path [n] into f->path and f->ends: made once for a
 * node of the kept trees, which the next vendors may find missing too.
 * false when memory ran out. */
static bool fact_path(facts *f, const ast *n) {
  pe_path *kept = pe_path_of(f->e, n);
  f->path.len = 0;
  f->nends = 0;
  if (kept && kept->p) {
    sb_put(&f->path, kept->p, kept->len);
    memcpy(f->ends, kept->ends, kept->nends * sizeof *f->ends);
    f->nends = kept->nends;
    return !f->path.oom;
  }
  path_text(f, n, &f->e->c->a);
  if (f->path.oom)
    return false;
  arena *trees = &f->e->c->trees;
  uint32_t *ends = kept ? arena_alloc(trees, (f->nends + 1) * sizeof *ends)
                        : NULL;
  const char *p = ends ? arena_strndup(trees, f->path.p, f->path.len) : NULL;
  if (p) { /* else made again next time */
    memcpy(ends, f->ends, f->nends * sizeof *ends);
    *kept = (pe_path){p, f->path.len, ends, f->nends};
  }
  return true;
}

/* Up to this many decisive facts are kept by a scan of those kept, each
 * new path against each: most residuals name one to three, for which
 * hashing costs more than it saves. Past it the paths are gathered by
 * hash and sorted out once at the end (keep_facts). */
#define FACTS_SCAN 8

/* Whether path [k] of f->v is [p]/[len]. */
static bool path_is(const facts *f, uint32_t k, const char *p, size_t len) {
  f->e->c->fact_probes++;
  return strncmp(f->v[k].path, p, len) == 0 && f->v[k].path[len] == '\0';
}

/* The slot of the path [p]/[len] in f->slots: where it is, or the empty
 * one where it would go. */
static uint32_t *slot_of(const facts *f, const char *p, size_t len) {
  uint32_t mask = f->nslots - 1;
  for (uint32_t i = val_hash_bytes(p, len) & mask;; i = (i + 1) & mask) {
    uint32_t k = f->slots[i];
    if (!k || path_is(f, k - 1, p, len))
      return &f->slots[i];
  }
}

/* Room in f->v for one more path, and in f->slots (at most half full)
 * once there are more than FACTS_SCAN. */
static bool room(facts *f) {
  if (f->n == f->cap) {
    uint32_t cap = f->cap ? f->cap * 2 : 8;
    residual_fact *v = arena_alloc(f->keep, cap * sizeof *v);
    if (!v)
      return false;
    if (f->n)
      memcpy(v, f->v, f->n * sizeof *v);
    f->v = v;
    f->cap = cap;
  }
  if (f->n + 1 <= FACTS_SCAN || 2 * (f->n + 1) <= f->nslots)
    return true;
  uint32_t nslots = f->nslots ? 2 * f->nslots : 4 * FACTS_SCAN;
  uint32_t *slots = arena_zalloc(&f->e->c->a, nslots * sizeof *slots);
  if (!slots)
    return false;
  f->slots = slots;
  f->nslots = nslots;
  for (uint32_t k = 0; k < f->n; k++)
    *slot_of(f, f->v[k].path, strlen(f->v[k].path)) = k + 1;
  return true;
}

/* Whether the path [a] is [b] or above it ([b] goes on with a step). */
static bool at_or_above(const char *a, const char *b) {
  size_t n = strlen(a);
  return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '.' ||
                                   b[n] == '[');
}

/* Whether f->path is to be added: by the scan, unless it is a fact kept
 * already or lies below one (data.location.countries[0] under a missing
 * data.location.countries: the answer to the one is the answer to the
 * other), a kept one below it giving way to it; by hash, unless it was
 * named already. */
static bool is_new(facts *f) {
  if (f->nslots)
    return !*slot_of(f, f->path.p, f->path.len);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < f->n; i++) {
    f->e->c->fact_probes++;
    if (at_or_above(f->v[i].path, f->path.p))
      return false;
    if (!at_or_above(f->path.p, f->v[i].path))
      f->v[kept++] = f->v[i];
  }
  f->n = kept;
  return true;
}

/* Add the path [n] to the facts named, if it is new (is_new). */
static void add_fact(facts *f, const ast *n) {
  if (!fact_path(f, n)) {
    f->e->oom = true;
    return;
  }
  if (!is_new(f))
    return;
  uint32_t *ends = arena_alloc(f->keep, (f->nends + 1) * sizeof *ends);
  const char *p = arena_strndup(f->keep, f->path.p, f->path.len);
  if (!ends || !p || f->path.oom || !room(f)) {
    f->e->oom = true;
    return;
  }
  memcpy(ends, f->ends, f->nends * sizeof *ends);
  f->v[f->n] = (residual_fact){p, ends, f->nends, NULL};
  if (f->nslots)
    *slot_of(f, p, f->path.len) = f->n + 1;
  f->n++;
}

/* Whether a path above the fact [x] was named too: one of its own
 * beginnings that ends a step (data.location under
 * data.location.countries[0]); the answer to that one answers [x]. */
static bool below_another(const facts *f, const residual_fact *x) {
  for (uint32_t k = 0; k + 1 < x->nends; k++)
    if (*slot_of(f, x->path, x->ends[k]))
      return true;
  return false;
}

/* The decisive facts: the paths named that lie below no other, in the
 * order they were first named (f->v, in f->keep, kept in place once
 * every path is looked at: the lookups read f->v). */
static bool keep_facts(facts *f, residual_fact **out, uint32_t *nout) {
  *out = f->n ? f->v : NULL;
  *nout = f->n;
  if (!f->nslots) /* the scan kept them so */
    return true;
  *out = NULL;
  *nout = 0;
  bool *below = f->n ? arena_alloc(&f->e->c->a, f->n) : NULL;
  if (f->n && !below)
    return false;
  for (uint32_t k = 0; k < f->n; k++)
    below[k] = below_another(f, &f->v[k]);
  uint32_t kept = 0;
  for (uint32_t k = 0; k < f->n; k++)
    if (!below[k])
      f->v[kept++] = f->v[k];
  *out = kept ? f->v : NULL;
  *nout = kept;
  return true;
}

/* Every path in [n] that ends in a missing fact, left to right; the
 * paths under has() are presence tests, and those starting at a macro's
 * variable are the macro's business. */
static void walk(facts *f, const ast *n, scope *s, int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2 || f->e->oom || pe_is_known(f->e, n))
    return;
  if (is_path(n, 0)) {
    const ast *r = path_root(n);
    if (((r->flags & AST_F_ROOTED) || !in_scope(s, r->name)) &&
        pe_missing(f->e, n))
      add_fact(f, n);
    return;
  }
  if (n->kind == AST_CALL && !(n->flags & AST_F_RECEIVER) && n->nkids == 1 &&
      strcmp(n->name, "has") == 0) {
    if (n->kids[0]->kind == AST_SELECT && !is_path(n->kids[0], 0))
      walk(f, n->kids[0]->kids[0], s, depth + 1);
    return;
  }
  uint32_t first;
  int nv = pe_binds(n, &first), saved = s->n;
  bool named = n->kind == AST_CALL && (n->flags & AST_F_RECEIVER) &&
               (pe_qualified(f->e, n) ||
                (n->kids[0]->kind == AST_IDENT &&
                 strcmp(n->kids[0]->name, "cel") == 0)); /* cel.bind */
  for (uint32_t i = named ? 1 : 0; i < n->nkids; i++) {
    if (nv && i == first)
      for (int v = 0; v < nv && s->n < LOCALS_MAX; v++)
        s->names[s->n++] = n->kids[first + (uint32_t)v]->name;
    if (!(nv && i >= first && i < first + (uint32_t)nv))
      walk(f, n->kids[i], s, depth + 1);
  }
  s->n = saved;
}

static void decisive(facts *f, const ast *n) {
  scope s = {{0}, 0};
  if (n)
    walk(f, n, &s, 0);
}

/* ==== whose question ==================================================== */

/* Whether the tree [n] reads the fact [p]: names a path that is [p] or
 * above or below it (data.location.countries[0] reads
 * data.location.countries). Paths from a macro's variable are its
 * items', read through the range's path, which is named too. */
static bool reads(facts *f, const ast *n, scope *s, const char *p,
                  int depth) {
  if (depth > POL_MAX_PARSE_DEPTH * 2 || f->e->oom)
    return false;
  if (is_path(n, 0)) {
    const ast *r = path_root(n);
    if (!(r->flags & AST_F_ROOTED) && in_scope(s, r->name))
      return false;
    if (!fact_path(f, n)) {
      f->e->oom = true;
      return false;
    }
    return at_or_above(f->path.p, p) || at_or_above(p, f->path.p);
  }
  uint32_t first;
  int nv = pe_binds(n, &first), saved = s->n;
  bool hit = false, named = n->kind == AST_CALL &&
                            (n->flags & AST_F_RECEIVER) &&
                            pe_qualified(f->e, n); /* as walk */
  for (uint32_t i = named ? 1 : 0; i < n->nkids && !hit; i++) {
    if (nv && i == first)
      for (int v = 0; v < nv && s->n < LOCALS_MAX; v++)
        s->names[s->n++] = n->kids[first + (uint32_t)v]->name;
    if (!(nv && i >= first && i < first + (uint32_t)nv))
      hit = reads(f, n->kids[i], s, p, depth + 1);
  }
  s->n = saved;
  return hit;
}

/* The first derived fact with a question in the inlined tree [n] (its
 * use, has(PATH) ? PATH : EXPR, made by vendor_or) whose use reads the
 * fact [p]; NULL for none. In tree order, as policy.c derived_asks
 * chose the rule's borrowed ask. */
static const fact_decl *asked_by(facts *f, const policy *pol, const ast *n,
                                 const char *p, int depth) {
  if (!n || depth > POL_MAX_PARSE_DEPTH * 2 || f->e->oom)
    return NULL;
  char buf[512];
  size_t len;
  if (n->kind == AST_COND && (n->flags & AST_F_DERIVED) &&
      ast_dotted(n->kids[1], buf, sizeof buf, &len)) {
    const fact_decl *d = policy_fact(pol, buf);
    scope s = {{0}, 0};
    if (d && (d->ask[LANG_JA] || d->ask[LANG_EN]) && reads(f, n, &s, p, 0))
      return d;
  }
  const fact_decl *d = NULL;
  for (uint32_t i = 0; i < n->nkids && !d; i++)
    d = asked_by(f, pol, n->kids[i], p, depth + 1);
  return d;
}

/* For a rule whose ask is a derived fact's (rule.ask_derived), which
 * derived fact each decisive fact of [out] is asked by: the rule's ask
 * was chosen for the first derived fact it reads, and a fact that no
 * derived fact of the rule reads (x in `data_region == "JP" || x`) must
 * not get that question. [w] and [q] are the inlined `when` (or NULL)
 * and `require`. */
static void derived_of(pe *e, const policy *pol, const ast *w, const ast *q,
                       residual *out) {
  facts f;
  memset(&f, 0, sizeof f);
  f.e = e;
  f.path = e->c->path; /* the context's buffer, handed back below */
  f.path.len = 0;
  f.path.oom = false;
  for (uint32_t k = 0; k < out->nfacts && !e->oom; k++) {
    const char *p = out->facts[k].path;
    const fact_decl *d = asked_by(&f, pol, w, p, 0);
    out->facts[k].derived = d ? d : asked_by(&f, pol, q, p, 0);
  }
  e->c->path = f.path;
}

/* ==== the residual ======================================================= */

static const char *text(pe *e, const ast *n, arena *keep) {
  size_t len;
  const char *t = pe_unparse(e, n, &len);
  if (!t) {
    e->oom = true;
    return NULL;
  }
  return arena_strndup(keep, t, len);
}

static int verdict_of(rv r) {
  if (r.v.kind == V_BOOL)
    return r.v.as.b ? VD_PASS : VD_FAIL;
  return VD_ERROR;
}

static void pe_begin(pe *e, residual_ctx *c, const struct host_registry *h,
                     const map *vars) {
  memset(e, 0, sizeof *e);
  arena_reset(&c->a);
  e->c = c;
  e->nodes = &c->a;
  e->hosts = h;
  e->vars = vars;
}

/* residual.passes: `when`'s residual [w] && `require`'s [q] (a SKIPPED
 * rule does not pass, so both must hold), printed with CEL's
 * precedence. Either alone is the text [out] has already. */
static const char *whole(pe *e, rv w, rv q, arena *keep,
                         const residual *out) {
  if (w.kind == R_KNOWN)
    return out->passes_if;
  if (q.kind == R_KNOWN)
    return verdict_of(q) == VD_PASS ? out->applies_if : NULL;
  ast *n = pe_node(e, AST_AND, w.n->sp, 2);
  if (!n)
    return NULL;
  n->kids[0] = (ast *)w.n;
  n->kids[1] = (ast *)q.n;
  return text(e, n, keep);
}

/* The residual of [w] (`when`, or known true when there is none) and
 * [q] (`require`) into [out]. */
static int finish(pe *e, rv w, rv q, arena *keep, residual *out) {
  facts f;
  memset(&f, 0, sizeof f);
  bool when_open = w.kind != R_KNOWN;
  if (!when_open && q.kind == R_KNOWN)
    return POL_EINVAL; /* decided: nothing is missing */
  f.e = e;
  f.keep = keep;
  f.path = e->c->path; /* the context's buffer, handed back below */
  f.path.len = 0;
  f.path.oom = false;
  if (when_open) {
    out->applies_if = text(e, w.n, keep);
    decisive(&f, w.n);
  }
  if (q.kind == R_KNOWN) {
    out->if_applies = verdict_of(q);
  } else {
    out->passes_if = text(e, q.n, keep);
    decisive(&f, q.n);
  }
  out->passes = whole(e, w, q, keep, out);
  if (!keep_facts(&f, &out->facts, &out->nfacts))
    e->oom = true;
  out->whole_ranges = e->whole_ranges;
  e->c->path = f.path;
  return e->oom ? POL_ENOMEM : POL_OK;
}

/* [rc], unless memory ran out on the way: whatever went wrong then may
 * be its doing, and out of memory is always said as such. */
static int end(pe *e, int rc) { return e->oom ? POL_ENOMEM : rc; }

int residual_rule(residual_ctx *c, const policy *p, uint32_t i,
                  const map *vars, arena *keep, residual *out) {
  const rule *ru = &p->rules[i];
  pe e;
  memset(out, 0, sizeof *out);
  out->if_applies = -1;
  pe_begin(&e, c, p->hosts, vars);
  if (!trees_for(c, p))
    return end(&e, POL_ENOMEM);
  inliner in = {&e, p, c->lets_t, c->busy, NULL, 0, 0, false};
  rv w = {R_KNOWN, val_bool(true), NULL};
  const ast *wt = NULL;
  if (ru->when >= 0) {
    const ast *t = wt = load(&in, &ru->when_at, &c->when_t[i]);
    if (!t)
      return end(&e, in.err ? POL_ESYNTAX : POL_ENOMEM);
    w = pe_eval(&e, t);
    if (w.kind == R_KNOWN && !(w.v.kind == V_BOOL && w.v.as.b))
      return end(&e, POL_EINVAL); /* SKIPPED or ERROR */
  }
  const ast *t = load(&in, &ru->require_at, &c->req_t[i]);
  if (!t)
    return end(&e, in.err ? POL_ESYNTAX : POL_ENOMEM);
  out->at = w.kind != R_KNOWN ? ru->when_at : ru->require_at;
  /* the verdict is UNKNOWN: with `when` known true, `require` is what
   * ended in a missing fact */
  rv q = w.kind == R_KNOWN ? pe_apart(&e, t) : pe_eval(&e, t);
  int rc = finish(&e, w, q, keep, out);
  if (rc == POL_OK && ru->ask_derived)
    derived_of(&e, p, wt, t, out);
  return end(&e, rc);
}

/* The part of [n] (known false) that made it false: through && down to
 * the first conjunct, left to right, that is false itself (one is
 * enough, and the first is the one CEL's evaluation stopped at). [n]
 * itself when it is no conjunction, or no side alone is false. */
static const ast *false_part(pe *e, const ast *n, int depth) {
  if (n->kind != AST_AND || depth > POL_MAX_PARSE_DEPTH)
    return n;
  for (uint32_t k = 0; k < 2 && !e->oom; k++) {
    rv r = pe_eval(e, n->kids[k]);
    if (r.kind == R_KNOWN && r.v.kind == V_BOOL && !r.v.as.b)
      return false_part(e, n->kids[k], depth + 1);
  }
  return n;
}

int residual_skipped(residual_ctx *c, const policy *p, uint32_t i,
                     const map *vars, arena *keep, const char **out) {
  const rule *ru = &p->rules[i];
  pe e;
  *out = NULL;
  if (ru->when < 0)
    return POL_EINVAL;
  pe_begin(&e, c, p->hosts, vars);
  if (!trees_for(c, p))
    return end(&e, POL_ENOMEM);
  inliner in = {&e, p, c->lets_t, c->busy, NULL, 0, 0, false};
  const ast *t = load(&in, &ru->when_at, &c->when_t[i]);
  if (!t)
    return end(&e, in.err ? POL_ESYNTAX : POL_ENOMEM);
  const ast *part = false_part(&e, t, 0);
  const program *prog = p->prog;
  if (part == t && ru->when_at.src < prog->nsrcs) /* the whole: as written */
    *out = arena_strndup(keep, prog->srcs[ru->when_at.src].text +
                                   ru->when_at.off, ru->when_at.len);
  else
    *out = text(&e, part, keep);
  e.oom |= !*out;
  return end(&e, POL_OK);
}

int residual_expr(residual_ctx *c, const char *src, size_t len,
                  const char *name, const struct host_registry *hosts,
                  const map *vars, arena *keep, residual *out) {
  pe e;
  memset(out, 0, sizeof *out);
  out->if_applies = -1;
  pe_begin(&e, c, hosts, vars);
  diag_list d;
  diag_init(&d, name, src, len, &c->a.m);
  ast *t = parse_expr(&c->a, &d);
  program *prog = t ? compile_expr(t, &d, NULL, 0) : NULL;
  sb_reset(&c->text);
  e.oom |= d.oom;
  if (!prog) {
    for (size_t i = 0; i < d.n; i++)
      diag_render(&d, i, false, &c->text);
    diag_free(&d);
    return end(&e, POL_ESYNTAX);
  }
  program_free(prog);
  diag_free(&d);
  rv none = {R_KNOWN, val_bool(true), NULL};
  return end(&e, finish(&e, none, pe_eval(&e, t), keep, out));
}
