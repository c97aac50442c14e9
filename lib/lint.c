/*
 * lint.c: the lint driver (lint.h): the table of checks, the list of
 * warnings, and what the checks share. Each check lives in its own
 * lint_<name>.c and adds warnings through lint_rule_warn or
 * lint_node_warn; the warnings come out sorted by place.
 */
#include "lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The checks, in the order their codes run (docs/lint.md lists them). */
static const lint_check *const checks[] = {
    &lint_never_applies, &lint_never_pass,    &lint_never_fail,
    &lint_contradiction, &lint_tautology,     &lint_never_unknown,
    &lint_implied,       &lint_duplicate,     &lint_unused_let,
    &lint_shadow,        &lint_no_question,   &lint_unknown_fact,
    &lint_not_analysed,
};

/* Add a warning at [file]:[line]:[col]. */
static void add(lint_run *L, const lint_check *c, const char *file,
                uint32_t line, uint32_t col, const char *id,
                const char *witness, const char *verdict, const char *fmt,
                va_list ap) {
  if (!mem_grow(&L->a.m, (void **)&L->w, &L->cap, L->n + 1, sizeof *L->w)) {
    L->oom = true;
    return;
  }
  const char *msg = arena_vprintf(&L->a, fmt, ap);
  L->oom |= msg == NULL;
  L->w[L->n++] = (lint_warning){c->code, c->name, file, line, col, id,
                                msg ? msg : "", witness, verdict};
}

void lint_rule_warn(lint_run *L, const lint_check *c, uint32_t r,
                    const char *witness, const char *verdict,
                    const char *fmt, ...) {
  const rule *ru = &L->pol->rules[r];
  va_list ap;
  va_start(ap, fmt);
  add(L, c, ru->file, ru->line, ru->col, ru->id, witness, verdict, fmt, ap);
  va_end(ap);
}

void lint_node_warn(lint_run *L, const lint_check *c, const ast *n,
                    const diag_list *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(L, c, d->file, n->sp.line, n->sp.col, NULL, NULL, NULL, fmt, ap);
  va_end(ap);
}

/* Order of warnings: by file as the policy met them, line, column, code. */
static int by_place(const void *a, const void *b) {
  const lint_warning *x = a, *y = b;
  int c = strcmp(x->file, y->file);
  if (c)
    return c;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return strcmp(x->code, y->code);
}

bool lint_policy(lint_run *L) {
  size_t n = L->pol->nrules + 1;
  const mem *m = &L->pol->a.m;
  arena_init(&L->a, 0, m);
  arena_init(&L->pair, 0, m);
  vm_init(&L->vm, 1000000, (size_t)64 << 20, m);
  L->spaces = mem_calloc(m, n, sizeof *L->spaces);
  L->why = mem_calloc(m, n, sizeof *L->why);
  L->tried = mem_calloc(m, n, sizeof *L->tried);
  L->paths = mem_calloc(m, n, sizeof *L->paths);
  if (!L->spaces || !L->why || !L->tried || !L->paths)
    return false;
  for (size_t i = 0; i < POL_COUNTOF(checks) && !L->oom; i++)
    checks[i]->run(L, checks[i]);
  if (L->n)
    qsort(L->w, L->n, sizeof *L->w, by_place);
  return !L->oom;
}

void lint_free(lint_run *L) {
  const mem m = L->a.m; /* lint_policy's; zero (libc) if it never ran */
  mem_free(&m, L->w);
  mem_free(&m, L->spaces);
  mem_free(&m, L->why);
  mem_free(&m, L->tried);
  mem_free(&m, L->paths);
  vm_free(&L->vm);
  arena_free(&L->pair);
  arena_free(&L->a);
}

bool lint_analysed_rule(const lint_run *L, uint32_t r) {
  return !L->src->rules[r].prelude;
}

int lint_keyed_cmp(const void *x, const void *y) {
  const lint_keyed *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  return c ? c : (a->rule > b->rule) - (a->rule < b->rule);
}
