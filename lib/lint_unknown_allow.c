/*
 * lint_unknown_allow.c: L106, a `// policyc:allow WORD` whose word names
 * no check (`never-fial`, `L02`). It allows nothing, so the warning it
 * was written for stays, and nothing says why: the comment looks as if
 * it worked. Each such word is reported where it stands, with the check
 * it most likely meant. Only a comment that starts with the tag counts
 * (a comment that quotes it, "// write `// policyc:allow CODE`", is
 * prose). The standard library's own sources are not
 * read: their comments name real checks (lint_baselines_clean).
 */
#include "lint.h"

#include <string.h>

#include "builtins.h"
#include "suggest.h"

static const char TAG[] = "// policyc:allow";

/* Whether the word [w] names a check by code or name; else the nearest
 * one that it may be a typo of in *[near] (NULL when none is). */
static bool known(const char *w, const char **near) {
  suggest s;
  suggest_init(&s, w);
  const lint_check *c;
  for (size_t i = 0; (c = lint_check_at(i)) != NULL; i++) {
    if (!strcmp(w, c->code) || !strcmp(w, c->name))
      return true;
    suggest_offer(&s, c->name);
    suggest_offer(&s, c->code);
  }
  *near = suggest_best(&s);
  return false;
}

/* Check the words after the tag, [c] to the end of its line [e] (up to a
 * ':' that starts the reason), of line [line] that starts at [ls]. */
static void check_words(lint_run *L, const lint_check *self,
                        const diag_list *d, const char *ls, uint32_t line,
                        const char *c, const char *e) {
  const char *end = memchr(c, ':', (size_t)(e - c));
  end = end ? end : e;
  while (c < end) {
    while (c < end && (*c == ' ' || *c == '\t' || *c == ',' || *c == '\r'))
      c++;
    const char *w = c;
    while (c < end && *c != ' ' && *c != '\t' && *c != ',' && *c != '\r')
      c++;
    char word[SUGGEST_MAX_LEN + 1];
    const char *near = NULL;
    size_t n = (size_t)(c - w);
    if (n == 0)
      continue;
    if (n < sizeof word) {
      memcpy(word, w, n);
      word[n] = '\0';
      if (known(word, &near))
        continue;
    }
    uint32_t col = (uint32_t)utf8_count(ls, (size_t)(w - ls)) + 1;
    lint_place_warn(L, self, d->file, line, col,
                    "'%.*s' names no lint check, so this comment allows "
                    "nothing%s%s%s", (int)(n > 60 ? 60 : n), w,
                    near ? "; did you mean '" : "", near ? near : "",
                    near ? "'?" : "");
  }
}

static void check_file(lint_run *L, const lint_check *self,
                       const diag_list *d) {
  const char *s = d->src, *end = d->src + d->srclen, *ls = s;
  uint32_t line = 1;
  size_t n = sizeof TAG - 1;
  for (const char *p = s; p && p + n <= end;) {
    const char *t = bi_find(p, (size_t)(end - p), TAG, n);
    if (!t)
      break;
    for (const char *q = memchr(ls, '\n', (size_t)(t - ls)); q;
         q = memchr(ls, '\n', (size_t)(t - ls))) {
      ls = q + 1; /* the lines before the tag: counted once each */
      line++;
    }
    const char *e = memchr(t, '\n', (size_t)(end - t));
    e = e ? e : end;
    if (!bi_find(ls, (size_t)(t - ls), "//", 2)) /* the comment's start,
                                                   not words about it */
      check_words(L, self, d, ls, line, t + n, e);
    p = e;
  }
}

static void run(lint_run *L, const lint_check *self) {
  const diag_set *files = &L->src->diags;
  for (size_t i = 0; i < files->n; i++) {
    const diag_list *d = files->lists[i];
    if (d->src && d->file && strncmp(d->file, "<stdlib>/", 9) != 0)
      check_file(L, self, d);
  }
}

const lint_check lint_unknown_allow = {"L106", "unknown-allow", run};
