/*
 * lint_names.c: the names an expression uses, for the checks on names
 * and facts (lint.h): identifiers not bound by a macro inside the
 * expression, lets by name, and the fact paths a rule reads with its
 * lets inlined.
 */
#include "lint.h"

#include "compile.h"
#include "host.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_SCOPE = 16, MAX_DEPTH = 32 };

/* Is [n] a macro call whose kids[1] names a variable bound in kids[2]
 * (all, exists, exists_one, map, filter; their kids[0] is the range)? */
static bool binds(const ast *n) {
  static const char *const macros[] = {"all", "exists", "exists_one", "map",
                                       "filter"};
  if (n->kind != AST_CALL || !(n->flags & AST_F_RECEIVER) || n->nkids < 3 ||
      n->kids[1]->kind != AST_IDENT)
    return false;
  for (size_t i = 0; i < POL_COUNTOF(macros); i++)
    if (!strcmp(n->name, macros[i]))
      return true;
  return false;
}

typedef struct ident_walk {
  void (*fn)(void *user, const ast *id, const diag_list *d);
  void *user;
  const diag_list *d;
  const char *scope[MAX_SCOPE];
  int nscope;
} ident_walk;

static bool bound(const ident_walk *w, const char *name) {
  for (int i = 0; i < w->nscope; i++)
    if (!strcmp(w->scope[i], name))
      return true;
  return false;
}

/* The recursion follows the tree, whose depth the parser bounds. */
static void idents(ident_walk *w, const ast *n) {
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED)) {
    if (!bound(w, n->name))
      w->fn(w->user, n, w->d);
    return;
  }
  if (n->kind == AST_CALL && n->name && !strcmp(n->name, "has") &&
      n->nkids == 1) {
    idents(w, n->kids[0]);
    return;
  }
  bool b = binds(n) && w->nscope < MAX_SCOPE;
  for (uint32_t i = 0; i < n->nkids; i++) {
    if (b && i == 1)
      continue; /* the variable's own name */
    if (b && i == 2)
      w->scope[w->nscope++] = n->kids[1]->name;
    idents(w, n->kids[i]);
    if (b && i == 2)
      w->nscope--;
  }
}

void lint_idents(const ast *e, const diag_list *d,
                 void (*fn)(void *user, const ast *id, const diag_list *d),
                 void *user) {
  ident_walk w = {fn, user, d, {0}, 0};
  idents(&w, e);
}

const policy_stmt *lint_let(const policy_source *src, const char *name) {
  return policy_source_let(src, name);
}

/* ==== fact paths ========================================================= */

typedef struct path_walk {
  lint_run *L;
  const char **paths;
  size_t n, cap;
  uint32_t *slots;    /* paths by hash: index + 1, 0 for none; a scan
                         per path made a rule of N paths cost N² */
  size_t nslots;
  const char *scope[MAX_SCOPE];
  int nscope;
  int depth;
} path_walk;

/* The slot of the path [p] in w->slots: where it is, or the empty one
 * where it would go. */
static uint32_t *slot_of(const path_walk *w, const char *p) {
  size_t mask = w->nslots - 1;
  for (size_t i = val_hash_bytes(p, strlen(p)) & mask;; i = (i + 1) & mask) {
    if (!w->slots[i])
      return &w->slots[i];
    w->L->path_compares++;
    if (!strcmp(w->paths[w->slots[i] - 1], p))
      return &w->slots[i];
  }
}

/* Room in w->slots (at most half full) for one more path. */
static bool slot_room(path_walk *w) {
  if (2 * (w->n + 1) <= w->nslots)
    return true;
  size_t nslots = w->nslots ? 2 * w->nslots : 32;
  uint32_t *slots = mem_calloc(&w->L->a.m, nslots, sizeof *slots);
  if (!slots)
    return false;
  mem_free(&w->L->a.m, w->slots);
  w->slots = slots;
  w->nslots = nslots;
  for (size_t i = 0; i < w->n; i++)
    *slot_of(w, w->paths[i]) = (uint32_t)i + 1;
  return true;
}

static void add_path(path_walk *w, const char *p) {
  if (!slot_room(w) ||
      !mem_grow(&w->L->a.m, (void **)&w->paths, &w->cap, w->n + 1,
                sizeof *w->paths)) {
    w->L->oom = true;
    return;
  }
  uint32_t *slot = slot_of(w, p);
  if (*slot)
    return;
  w->paths[w->n++] = p;
  *slot = (uint32_t)w->n;
}

static void paths(path_walk *w, const ast *n);

/* The fact path [n] spells (a name and .fields), or NULL when it is
 * something else; a let or a macro variable at its root is followed. */
static const char *spelled(path_walk *w, const ast *n) {
  if (n->kind == AST_SELECT && !(n->flags & AST_F_OPTIONAL)) {
    const char *base = spelled(w, n->kids[0]);
    return base ? arena_printf(&w->L->a, "%s.%s", base, n->name) : NULL;
  }
  if (n->kind != AST_IDENT || (n->flags & AST_F_ROOTED))
    return NULL;
  for (int i = 0; i < w->nscope; i++)
    if (!strcmp(w->scope[i], n->name))
      return NULL;
  return lint_let(w->L->src, n->name) ? NULL : n->name;
}

/* A let used: its expression's paths, followed to a bounded depth. */
static void let_paths(path_walk *w, const ast *id) {
  const policy_stmt *let = lint_let(w->L->src, id->name);
  if (!let || w->depth >= MAX_DEPTH)
    return;
  int saved = w->nscope;
  w->nscope = 0; /* a let sees no macro variable of its user */
  w->depth++;
  paths(w, let->n->kids[0]);
  w->depth--;
  w->nscope = saved;
}

/* Whether [n] is ns.f(...), a function of a library or of the env's
 * host functions (math.greatest, sample.add), as the compiler reads it:
 * its receiver names no fact, so it is no path. */
static bool namespaced_call(path_walk *w, const ast *n) {
  if (n->kind != AST_CALL || !(n->flags & AST_F_RECEIVER))
    return false;
  const ast *root = n->kids[0];
  while (root->kind == AST_SELECT && !(root->flags & AST_F_OPTIONAL))
    root = root->kids[0];
  if (root->kind != AST_IDENT || (root->flags & AST_F_ROOTED))
    return false;
  for (int i = 0; i < w->nscope; i++)
    if (!strcmp(w->scope[i], root->name))
      return false;
  if (lint_let(w->L->src, root->name))
    return false;
  return compile_is_namespace(root->name) ||
         host_namespace(w->L->pol->hosts, root->name);
}

static void paths(path_walk *w, const ast *n) {
  if (namespaced_call(w, n)) { /* the arguments only */
    for (uint32_t i = 1; i < n->nkids; i++)
      paths(w, n->kids[i]);
    return;
  }
  const char *p = spelled(w, n);
  if (p) {
    add_path(w, p);
    return;
  }
  if (n->kind == AST_IDENT) {
    let_paths(w, n);
    return;
  }
  bool b = binds(n) && w->nscope < MAX_SCOPE;
  for (uint32_t i = 0; i < n->nkids; i++) {
    if (b && i == 1)
      continue;
    if (b && i == 2)
      w->scope[w->nscope++] = n->kids[1]->name;
    paths(w, n->kids[i]);
    if (b && i == 2)
      w->nscope--;
  }
}

size_t lint_rule_paths(lint_run *L, uint32_t r, const char ***out) {
  lint_paths *made = &L->paths[r];
  if (made->made) {
    *out = made->p;
    return made->n;
  }
  path_walk w;
  memset(&w, 0, sizeof w);
  w.L = L;
  const ast *rn = L->src->rules[r].n;
  for (uint32_t i = 0; i < rn->nkids; i++) {
    const ast *c = rn->kids[i];
    if (c->kind == AST_CLAUSE && (!strcmp(c->name, "when") ||
                                  !strcmp(c->name, "require")))
      paths(&w, c->kids[0]);
  }
  const char **v = arena_alloc(&L->a, (w.n + 1) * sizeof *v);
  if (v && w.n)
    memcpy(v, w.paths, w.n * sizeof *v);
  mem_free(&L->a.m, w.paths);
  mem_free(&L->a.m, w.slots);
  *made = (lint_paths){v, v ? w.n : 0, v != NULL};
  *out = v;
  return made->n;
}
