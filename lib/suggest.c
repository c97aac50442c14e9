/*
 * suggest.c: the nearness rule behind every "did you mean" (suggest.h).
 *
 * The distance is the optimal-string-alignment edit distance over bytes
 * (Levenshtein plus swapped neighbours, each edit 1), computed with three
 * rows; letters that differ only in case are equal, because a wrong case
 * (startswith, Backup.Generations) is the commonest mistake of people
 * who do not program. A candidate is near enough when its distance is at
 * most a third of the word's length, and at least 1 (so "lne" finds
 * "len", but "a" does not find "x"). Names are ASCII in practice; a
 * multi-byte character simply costs a few edits.
 */
#include "suggest.h"

#include <stdint.h>
#include <string.h>

static unsigned char lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static size_t min3(size_t a, size_t b, size_t c) {
  size_t m = a < b ? a : b;
  return m < c ? m : c;
}

size_t suggest_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
    return SIZE_MAX;
  size_t rows[3][SUGGEST_MAX_LEN + 1];
  size_t *two = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++)
    prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    unsigned char ca = lower((unsigned char)a[i - 1]);
    for (size_t j = 1; j <= m; j++) {
      unsigned char cb = lower((unsigned char)b[j - 1]);
      cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb));
      if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
          cb == lower((unsigned char)a[i - 2]) && two[j - 2] + 1 < cur[j])
        cur[j] = two[j - 2] + 1; /* two neighbours swapped */
    }
    size_t *t = two;
    two = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

void suggest_init(suggest *s, const char *word) {
  size_t n = strlen(word);
  s->word = word;
  s->best = NULL;
  s->dist = SIZE_MAX;
  s->limit = n / 3 > 1 ? n / 3 : 1;
}

void suggest_offer(suggest *s, const char *candidate) {
  if (!candidate || strcmp(candidate, s->word) == 0)
    return;
  size_t d = suggest_distance(s->word, candidate);
  if (d <= s->limit && d < s->dist) {
    s->best = candidate;
    s->dist = d;
  }
}

const char *suggest_best(const suggest *s) { return s->best; }
