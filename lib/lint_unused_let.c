/*
 * lint_unused_let.c: L101, a let that nothing uses: no rule (`when`,
 * `require`, the {expressions} of `message`) and no let that is used
 * itself. Only the lets of the file linted, and only when it has rules
 * of its own: a module's lets are there for whoever imports it (so are
 * those of a file of lets alone, a module linted by itself), and the
 * prelude's, the region constants, are such a module's. Derived facts
 * are declarations of the vocabulary, like plain facts: never unused.
 */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

typedef struct uses {
  lint_run *L;
  bool *used;     /* per let of L->src */
  size_t *todo;   /* lets marked used whose own uses are not marked yet */
  size_t ntodo;
} uses;

/* An identifier that names a let marks that let used, and queues it for
 * the lets it uses in turn. */
static void mark(void *user, const ast *id, const diag_list *d) {
  uses *u = user;
  POL_UNUSED(d);
  const policy_stmt *let = lint_let(u->L->src, id->name);
  if (let && !u->used[let - u->L->src->lets]) {
    u->used[let - u->L->src->lets] = true;
    u->todo[u->ntodo++] = (size_t)(let - u->L->src->lets);
  }
}

/* The lets the {expressions} of rule [r]'s message use. */
static void message_uses(uses *u, const rule *r) {
  for (uint32_t i = 0; i < r->nmessage; i++) {
    if (r->message[i].entry < 0)
      continue;
    const char *t = r->message[i].text;
    diag_list d;
    arena a;
    diag_init(&d, "", t, strlen(t), &u->L->a.m);
    arena_init(&a, 0, &u->L->a.m);
    const ast *e = parse_expr(&a, &d);
    if (e)
      lint_idents(e, &d, mark, u);
    arena_free(&a);
    diag_free(&d);
  }
}

static void rule_uses(uses *u, uint32_t r) {
  const policy_stmt *s = &u->L->src->rules[r];
  for (uint32_t i = 0; i < s->n->nkids; i++)
    if (s->n->kids[i]->kind == AST_CLAUSE && s->n->kids[i]->nkids &&
        strcmp(s->n->kids[i]->name, "ask") != 0)
      lint_idents(s->n->kids[i]->kids[0], s->d, mark, u);
  message_uses(u, &u->L->pol->rules[r]);
}

/* Whether the file linted has rules (not only imported ones). */
static bool own_rules(const policy_source *src) {
  for (size_t r = 0; r < src->nrules; r++)
    if (!src->rules[r].module && !src->rules[r].prelude)
      return true;
  return false;
}

static void run(lint_run *L, const lint_check *self) {
  const policy_source *src = L->src;
  uses u = {L, mem_calloc(&L->a.m, src->nlets + 1, sizeof(bool)),
            mem_calloc(&L->a.m, src->nlets + 1, sizeof(size_t)), 0};
  if (!u.used || !u.todo) {
    L->oom = true;
    mem_free(&L->a.m, u.used);
    mem_free(&L->a.m, u.todo);
    return;
  }
  for (uint32_t r = 0; r < L->pol->nrules; r++)
    rule_uses(&u, r);
  /* a let used by a used let is used: each let's expression is walked
   * once, when it is first marked (passes over all lets until none was
   * marked cost a pass per link of a chain of lets: lets x lets) */
  while (u.ntodo > 0) {
    const policy_stmt *let = &src->lets[u.todo[--u.ntodo]];
    lint_idents(let->n->kids[0], let->d, mark, &u);
    L->let_walks++;
  }
  bool own = own_rules(src); /* once: not a scan of the rules per let */
  for (size_t i = 0; own && i < src->nlets; i++)
    if (!u.used[i] && !src->lets[i].prelude && !src->lets[i].module &&
        !(src->lets[i].n->flags & AST_F_DERIVED))
      lint_node_warn(L, self, src->lets[i].n, src->lets[i].d,
                     "let '%s' is not used", src->lets[i].n->name);
  mem_free(&L->a.m, u.used);
  mem_free(&L->a.m, u.todo);
}

const lint_check lint_unused_let = {"L101", "unused-let", run};
