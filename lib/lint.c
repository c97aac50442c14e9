/*
 * lint.c: the lint driver (lint.h): the table of checks, the list of
 * warnings, and what the checks share. Each check lives in its own
 * lint_<name>.c and adds warnings through lint_rule_warn or
 * lint_node_warn; the warnings come out sorted by place, without
 * those the source allows (`// policyc:allow CODE`, docs/lint.md).
 */
#include "lint.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The checks, in the order their codes run (docs/lint.md lists them). */
static const lint_check *const checks[] = {
    &lint_never_applies, &lint_never_pass,    &lint_never_fail,
    &lint_contradiction, &lint_tautology,     &lint_never_unknown,
    &lint_implied,       &lint_duplicate,     &lint_unused_let,
    &lint_shadow,        &lint_no_question,   &lint_unknown_fact,
    &lint_hides_stdlib,  &lint_unknown_allow, &lint_not_analysed,
};

const lint_check *lint_check_at(size_t i) {
  return i < POL_COUNTOF(checks) ? checks[i] : NULL;
}

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

void lint_place_warn(lint_run *L, const lint_check *c, const char *file,
                     uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(L, c, file, line, col, NULL, NULL, NULL, fmt, ap);
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

/* ==== allowed in the source ============================================= */

/* The source text of [file], or NULL (a saved policy's, a built-in
 * module's that was not kept). */
static const diag_list *source_of(const lint_run *L, const char *file) {
  for (size_t i = 0; L->src && i < L->src->diags.n; i++)
    if (!strcmp(L->src->diags.lists[i]->file, file))
      return L->src->diags.lists[i];
  return NULL;
}

/* Whether [word] is in [s, e) as a whole word of lint codes and names
 * ("L002", "never-fail"; separated by spaces or commas). */
static bool has_word(const char *s, const char *e, const char *word) {
  size_t n = strlen(word);
  for (const char *p = s; p + n <= e; p++) {
    bool head = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '-');
    bool tail = p + n == e ||
                !(isalnum((unsigned char)p[n]) || p[n] == '-');
    if (head && tail && !memcmp(p, word, n))
      return true;
  }
  return false;
}

/* Whether the line [s, e) says `// policyc:allow CODE...` for [w]'s
 * code or name: the codes are the words after the tag, up to a ':' that
 * starts the reason, or the line's end. */
static bool allows(const char *s, const char *e, const lint_warning *w) {
  static const char tag[] = "// policyc:allow";
  size_t n = sizeof tag - 1;
  for (const char *p = s; p + n <= e; p++)
    if (!memcmp(p, tag, n)) {
      const char *c = p + n, *end = memchr(c, ':', (size_t)(e - c));
      end = end ? end : e;
      return has_word(c, end, w->code) || has_word(c, end, w->name);
    }
  return false;
}

/* Whether the line [s, e) holds nothing but a // comment. */
static bool comment_line(const char *s, const char *e) {
  while (s < e && (*s == ' ' || *s == '\t'))
    s++;
  return e - s >= 2 && s[0] == '/' && s[1] == '/';
}

/* Whether the source allows warning [w]: a `// policyc:allow CODE` on
 * its line, or in the comment lines right above it. [starts] holds the
 * offsets of the lines of [d] (n of them). */
static bool allowed(const diag_list *d, const size_t *starts, size_t n,
                    const lint_warning *w) {
  if (w->line == 0 || w->line > n)
    return false;
  for (size_t l = w->line; l >= 1; l--) {
    const char *s = d->src + starts[l - 1];
    const char *e = d->src + (l < n ? starts[l] : d->srclen);
    if (l < w->line && !comment_line(s, e))
      return false;
    if (allows(s, e, w))
      return true;
  }
  return false;
}

/* The line starts of [d] into [a]; *[n] gets their number. */
static size_t *line_starts(arena *a, const diag_list *d, size_t *n) {
  size_t k = 1;
  for (size_t i = 0; i < d->srclen; i++)
    k += d->src[i] == '\n';
  size_t *v = arena_alloc(a, k * sizeof *v);
  if (!v)
    return NULL;
  v[0] = 0;
  k = 1;
  for (size_t i = 0; i < d->srclen; i++)
    if (d->src[i] == '\n')
      v[k++] = i + 1;
  *n = k;
  return v;
}

/* Drop the warnings the source allows. The warnings are sorted by file,
 * so each file's lines are indexed once. */
static void drop_allowed(lint_run *L) {
  const diag_list *d = NULL;
  const char *file = NULL;
  size_t *starts = NULL, nl = 0, kept = 0;
  for (size_t i = 0; i < L->n; i++) {
    const lint_warning *w = &L->w[i];
    if (!file || strcmp(file, w->file)) {
      file = w->file;
      d = source_of(L, file);
      starts = d && d->src ? line_starts(&L->a, d, &nl) : NULL;
      L->oom |= d && d->src && !starts;
    }
    if (!starts || !allowed(d, starts, nl, w))
      L->w[kept++] = *w;
  }
  L->n = kept;
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
  drop_allowed(L);
  return !L->oom;
}

void lint_free(lint_run *L) {
  const mem m = L->a.m; /* lint_policy's; zero (libc) if it never ran */
  mem_free(&m, L->w);
  mem_free(&m, L->spaces);
  mem_free(&m, L->why);
  mem_free(&m, L->tried);
  mem_free(&m, L->paths);
  mem_free(&m, L->lets);
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
