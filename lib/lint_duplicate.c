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

static int path_cmp(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Rule [r]'s fact paths, sorted, as one string: rules with the same
 * paths have the same key. NULL for a rule that reads no fact (no other
 * rule has its paths: same_paths). */
static const char *paths_key(lint_run *L, uint32_t r) {
  const char **pa;
  size_t n = lint_rule_paths(L, r, &pa);
  if (!n)
    return NULL;
  const char **v = arena_alloc(&L->a, n * sizeof *v);
  sbuf b;
  if (!v) {
    L->oom = true;
    return NULL;
  }
  memcpy(v, pa, n * sizeof *v);
  qsort(v, n, sizeof *v, path_cmp);
  sb_init(&b, &L->a.m);
  for (size_t i = 0; i < n; i++)
    sb_printf(&b, "%s\n", v[i]);
  const char *t = b.oom ? NULL : arena_strndup(&L->a, b.p, b.len);
  sb_free(&b);
  L->oom |= t == NULL;
  return t;
}

/* The rules with a key, sorted (lint_keyed_cmp); [at]: each rule's place in
 * it, [from]: where its key's run starts (UINT32_MAX: no key). */
typedef struct key_index {
  lint_keyed *v;
  uint32_t *at, *from;
} key_index;

static bool key_index_make(lint_run *L, key_index *x, const char **key,
                           uint32_t n) {
  size_t k = 0;
  x->v = mem_calloc(&L->a.m, n + 1, sizeof *x->v);
  x->at = mem_calloc(&L->a.m, n + 1, sizeof *x->at);
  x->from = mem_calloc(&L->a.m, n + 1, sizeof *x->from);
  if (!x->v || !x->at || !x->from)
    return false;
  for (uint32_t r = 0; r < n; r++) {
    x->from[r] = UINT32_MAX;
    if (key[r])
      x->v[k++] = (lint_keyed){key[r], r};
  }
  qsort(x->v, k, sizeof *x->v, lint_keyed_cmp);
  for (size_t i = 0; i < k; i++) {
    bool first = i == 0 || strcmp(x->v[i - 1].key, x->v[i].key) != 0;
    x->at[x->v[i].rule] = (uint32_t)i;
    x->from[x->v[i].rule] = first ? (uint32_t)i : x->from[x->v[i - 1].rule];
  }
  return true;
}

static void key_index_free(lint_run *L, key_index *x) {
  mem_free(&L->a.m, x->v);
  mem_free(&L->a.m, x->at);
  mem_free(&L->a.m, x->from);
}

/* The next rule before [b] with b's key in [x], after [*i] (a place in
 * x->v), or UINT32_MAX. */
static uint32_t next_of(const key_index *x, uint32_t b, uint32_t *i) {
  if (x->from[b] == UINT32_MAX || *i >= x->at[b])
    return UINT32_MAX;
  return x->v[(*i)++].rule;
}

/* Rule [b] duplicates rule [a] (a < b): [same], the same text (a is in
 * b's run of the text index), or the same paths and verdicts. */
static bool duplicates(lint_run *L, uint32_t a, uint32_t b, bool same) {
  L->compared++;
  return same || (same_paths(L, a, b) && lint_space_of(L, a) &&
                  lint_space_of(L, b) && equivalent(L, a, b));
}

/* Each rule is compared only with the earlier rules of its text or of
 * its fact paths (the only ones that can duplicate it), in the order of
 * the policy, so that the first that does is the one named: a policy of
 * rules that read different facts is not compared pair by pair. */
static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  uint32_t n = p->nrules;
  const char **text = mem_calloc(&L->a.m, n + 1, sizeof *text);
  const char **pkey = mem_calloc(&L->a.m, n + 1, sizeof *pkey);
  key_index by_text = {0}, by_paths = {0};
  bool ok = text && pkey;
  if (!ok)
    goto out;
  for (uint32_t r = 0; r < n; r++)
    if (lint_analysed_rule(L, r)) {
      text[r] = rule_canon(L, r);
      pkey[r] = paths_key(L, r);
    }
  ok = key_index_make(L, &by_text, text, n) &&
       key_index_make(L, &by_paths, pkey, n);
  if (!ok)
    goto out;
  for (uint32_t b = 0; b < n; b++) {
    if (!text[b])
      continue;
    uint32_t i = by_text.from[b], j = by_paths.from[b];
    uint32_t x = next_of(&by_text, b, &i), y = next_of(&by_paths, b, &j);
    /* a rule of the same paths but another text duplicates b only when
     * both lie in the fragment: when b does not, only its text's run can
     * (rules outside it that read the same facts were compared pair by
     * pair, their whole texts each time: 2,000 quantifier rules over the
     * same lists, 2,000,000 pairs) */
    if (y != UINT32_MAX && !lint_space_of(L, b))
      y = UINT32_MAX;
    while (x != UINT32_MAX || y != UINT32_MAX) {
      uint32_t a = x < y ? x : y; /* the earliest of the two runs */
      bool same = a == x;
      if (a == x)
        x = next_of(&by_text, b, &i);
      if (a == y)
        y = next_of(&by_paths, b, &j);
      if (!same && !lint_space_of(L, a))
        continue;
      if (!duplicates(L, a, b, same))
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
  }
out:
  L->oom |= !ok;
  key_index_free(L, &by_text);
  key_index_free(L, &by_paths);
  mem_free(&L->a.m, text);
  mem_free(&L->a.m, pkey);
}

const lint_check lint_duplicate = {"L008", "duplicate", run};
