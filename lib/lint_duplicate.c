/*
 * lint_duplicate.c: L008, duplicate rules: two rules whose `when` and
 * `require` are the same expressions once lets are inlined, or (within
 * the fragment of lint.h) give the same verdict on every fact set.
 */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 32 };

/* [n] as text with every let replaced by its expression, into [b]: equal
 * texts are the same expression. */
static void canon(lint_run *L, const ast *n, sbuf *b, int depth) {
  const policy_stmt *let = n->kind == AST_IDENT ? lint_let(L->src, n->name)
                                                : NULL;
  if (let && depth < MAX_DEPTH) {
    canon(L, let->n->kids[0], b, depth + 1);
    return;
  }
  sb_printf(b, "(%d %d %d ", n->kind, n->op, n->flags);
  if (n->name)
    sb_printf(b, "%s ", n->name);
  switch (n->kind) {
  case AST_INT_LIT: sb_put_int(b, n->lit.i); break;
  case AST_UINT_LIT: sb_put_uint(b, n->lit.u); break;
  case AST_DOUBLE_LIT: sb_printf(b, "%.17g", n->lit.d); break;
  case AST_BOOL_LIT: sb_putc(b, n->lit.b ? 't' : 'f'); break;
  case AST_STRING_LIT: case AST_BYTES_LIT:
    sb_printf(b, "%zu:", n->lit.s.n);
    sb_put(b, n->lit.s.p, n->lit.s.n);
    break;
  default: break;
  }
  for (uint32_t i = 0; i < n->nkids; i++)
    canon(L, n->kids[i], b, depth);
  sb_putc(b, ')');
}

/* The text of rule [r]'s `when` and `require`, in L's arena. */
static const char *rule_canon(lint_run *L, uint32_t r) {
  sbuf b;
  sb_init(&b, &L->a.m);
  const ast *n = L->src->rules[r].n;
  for (uint32_t i = 0; i < n->nkids; i++)
    if (n->kids[i]->kind == AST_CLAUSE &&
        (!strcmp(n->kids[i]->name, "when") ||
         !strcmp(n->kids[i]->name, "require"))) {
      sb_printf(&b, "%s ", n->kids[i]->name);
      canon(L, n->kids[i]->kids[0], &b, 0);
    }
  const char *t = b.oom ? NULL : arena_strndup(&L->a, b.p, b.len);
  sb_free(&b);
  L->oom |= t == NULL;
  return t ? t : "";
}

/* Whether rules [a] and [b] give the same verdict on every fact set. */
static bool equivalent(lint_run *L, uint32_t a, uint32_t b) {
  lint_pair p;
  if (!lint_space_pair(L, a, b, &p))
    return false;
  for (size_t k = 0; k < p.n; k++)
    if (p.verdicts[2 * k] != p.verdicts[2 * k + 1])
      return false;
  return true;
}

/* Whether [a] and [b] read the same facts. */
static bool same_paths(lint_run *L, uint32_t a, uint32_t b) {
  const char **pa, **pb;
  size_t na = lint_rule_paths(L, a, &pa), nb = lint_rule_paths(L, b, &pb);
  if (na != nb || na == 0)
    return false;
  for (size_t i = 0; i < na; i++) {
    bool in = false;
    for (size_t j = 0; j < nb && !in; j++)
      in = !strcmp(pa[i], pb[j]);
    if (!in)
      return false;
  }
  return true;
}

static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  const char **text = mem_calloc(&L->a.m, p->nrules + 1, sizeof *text);
  if (!text) {
    L->oom = true;
    return;
  }
  for (uint32_t r = 0; r < p->nrules; r++)
    text[r] = lint_analysed_rule(L, r) ? rule_canon(L, r) : NULL;
  for (uint32_t b = 0; b < p->nrules; b++)
    for (uint32_t a = 0; text[b] && a < b; a++) {
      if (!text[a])
        continue;
      bool same = !strcmp(text[a], text[b]);
      if (!same && (!same_paths(L, a, b) || !lint_space_of(L, a) ||
                    !lint_space_of(L, b) || !equivalent(L, a, b)))
        continue;
      lint_rule_warn(L, self, b, NULL, NULL,
                     same ? "rule '%s' duplicates rule '%s' (%s:%u): the same "
                            "expressions"
                          : "rule '%s' gives the same verdict as rule '%s' "
                            "(%s:%u) for every vendor",
                     p->rules[b].id, p->rules[a].id, p->rules[a].file,
                     p->rules[a].line);
      break;
    }
  mem_free(&L->a.m, text);
}

const lint_check lint_duplicate = {"L008", "duplicate", run};
