/*
 * lint_shadow.c: L102, a name that hides another: a let of the policy
 * with the name of a prelude constant (JP, EU_MEMBERS, ...); a let named
 * like the root of declared facts (`let backup = ...` hides every
 * `backup.*` fact); a macro variable named like a let or a fact root
 * (`data.all(data, ...)`).
 */
#include "lint.h"

#include <string.h>

#include "schema.h"

/* Whether [name] is the first part of a declared fact path: declared
 * itself or above a declaration, two binary searches (a scan of the
 * declarations for every let and macro variable cost lets x facts). */
static bool fact_root(const policy *p, const char *name) {
  return policy_fact(p, name) || schema_above(p, name);
}

static bool derived(const policy_stmt *s) {
  return (s->n->flags & AST_F_DERIVED) != 0;
}

/* Whether the let [s] may take the name of the prelude's [p]: when it
 * is written exactly as the prelude writes it (stdlib/regions.pol or
 * derived.pol linted themselves: nothing changes), or when both are
 * derived facts (a policy's own declaration of a prelude path replaces
 * the prelude's on purpose, docs/policies.md). */
static bool may_hide(const policy_stmt *s, const policy_stmt *p) {
  span x = s->n->kids[0]->sp, y = p->n->kids[0]->sp;
  if (derived(s) && derived(p))
    return true;
  return x.len == y.len &&
         !memcmp(s->d->src + x.off, p->d->src + y.off, x.len);
}

/* The let [i]: does it hide a prelude let ([prelude]: each prelude let's
 * name to its first index), or facts? */
static void check_let(lint_run *L, const lint_check *self,
                      const name_index *prelude, size_t i) {
  const policy_stmt *s = &L->src->lets[i];
  if (s->prelude)
    return;
  const char *name = s->n->name;
  int j = names_get(prelude, name);
  if (j >= 0 && (size_t)j < i) {
    const policy_stmt *p = &L->src->lets[j];
    if (!may_hide(s, p))
      lint_node_warn(L, self, s->n, s->d, "%s '%s' hides the prelude's "
                     "%s '%s' (%s)", derived(s) ? "derived fact" : "let",
                     name, derived(p) ? "derived fact" : "constant", name,
                     p->d->file);
    return;
  }
  if (!derived(s) && fact_root(L->pol, name)) /* a derived fact is one */
    lint_node_warn(L, self, s->n, s->d, "let '%s' hides the declared facts "
                   "under '%s.'", name, name);
}

/* Macro variables in [n] (of [d]) named like a let or a fact root. */
static void check_macros(lint_run *L, const lint_check *self, const ast *n,
                         const diag_list *d) {
  if (n->kind == AST_CALL && (n->flags & AST_F_RECEIVER) && n->nkids == 3 &&
      n->kids[1]->kind == AST_IDENT) {
    const ast *v = n->kids[1];
    if (lint_let(L->src, v->name))
      lint_node_warn(L, self, v, d, "macro variable '%s' hides the let of "
                     "that name", v->name);
    else if (fact_root(L->pol, v->name))
      lint_node_warn(L, self, v, d, "macro variable '%s' hides the declared "
                     "facts under '%s.'", v->name, v->name);
  }
  for (uint32_t i = 0; i < n->nkids; i++)
    check_macros(L, self, n->kids[i], d);
}

static void run(lint_run *L, const lint_check *self) {
  const policy_source *src = L->src;
  name_index prelude;
  if (!names_init(&prelude, src->nlets, &L->a.m)) {
    L->oom = true;
    return;
  }
  for (size_t i = src->nlets; i-- > 0;) /* the first of a name wins */
    if (src->lets[i].prelude)
      names_put(&prelude, src->lets[i].n->name, (int)i);
  for (size_t i = 0; i < src->nlets; i++) {
    check_let(L, self, &prelude, i);
    if (!src->lets[i].prelude)
      check_macros(L, self, src->lets[i].n->kids[0], src->lets[i].d);
  }
  for (uint32_t r = 0; r < L->pol->nrules; r++)
    if (lint_analysed_rule(L, r))
      check_macros(L, self, src->rules[r].n, src->rules[r].d);
  names_free(&prelude);
}

const lint_check lint_shadow = {"L102", "shadowed", run};
