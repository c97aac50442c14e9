/*
 * suggest.h: "did you mean ...?" for every name a user can mistype: fact
 * paths, lets, functions, methods, clauses, severities, modules, keys of
 * a test file. One nearness rule everywhere, so that the same typo gets
 * the same kind of answer wherever it is made.
 *
 * Use: suggest_init(&s, word), suggest_offer(&s, candidate) for each
 * candidate, then suggest_best(&s). Candidates are borrowed; the best one
 * is returned as offered. Nothing is allocated.
 */
#ifndef POL_SUGGEST_H
#define POL_SUGGEST_H

#include "common.h"

typedef struct suggest {
  const char *word;  /* what was written */
  const char *best;  /* the nearest candidate so far, or NULL */
  size_t dist;       /* its distance */
  size_t limit;      /* candidates farther than this are no typo */
} suggest;

/* Names longer than this are never compared (their distance is "far"). */
#define SUGGEST_MAX_LEN 200

/* The edit distance between [a] and [b]: insertions, deletions,
 * substitutions and swaps of two neighbouring bytes each count 1, and a
 * change of letter case alone counts nothing (startswith is startsWith).
 * SIZE_MAX for names longer than SUGGEST_MAX_LEN. */
POL_INTERNAL size_t suggest_distance(const char *a, const char *b);
/* Start looking for the candidate nearest to [word]. */
POL_INTERNAL void suggest_init(suggest *s, const char *word);
/* Consider [candidate]; the first of equally near ones wins, and the
 * word itself is never suggested. */
POL_INTERNAL void suggest_offer(suggest *s, const char *candidate);
/* The nearest candidate near enough to be what was meant, or NULL. */
POL_INTERNAL const char *suggest_best(const suggest *s);

#endif
