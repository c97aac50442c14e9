/*
 * lint_unused_let.c: L101, a let that nothing uses: no rule (`when`,
 * `require`, the {expressions} of `message`) and no let that is used
 * itself. The prelude's lets (the region constants) are exempt.
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
  for (size_t i = 0; i < src->nlets; i++)
    if (!u.used[i] && !src->lets[i].prelude)
      lint_node_warn(L, self, src->lets[i].n, src->lets[i].d,
                     "let '%s' is not used", src->lets[i].n->name);
  mem_free(&L->a.m, u.used);
  mem_free(&L->a.m, u.todo);
}

const lint_check lint_unused_let = {"L101", "unused-let", run};
