/*
 * arena.c: the chunked bump allocator behind every value (see arena.h).
 * One chunk is kept across resets, as large as the last round needed, so
 * that a steady-state evaluation performs no heap allocation at all.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
  arena_chunk *next;
  size_t size; /* usable bytes after the header */
  max_align_t data[];
};

enum { CHUNK_MIN = 16 * 1024 };

void arena_init(arena *a, size_t limit, const mem *m) {
  mem keep = m ? *m : mem_of(NULL, NULL); /* [m] may point into [a] */
  memset(a, 0, sizeof *a);
  a->limit = limit;
  a->steps = UINT64_MAX; /* unmetered until cost_start() */
  a->m = keep;
}

static bool add_chunk(arena *a, size_t need) {
  size_t size = CHUNK_MIN;
  if (a->head && a->head->size < (64u << 20))
    size = a->head->size * 2; /* geometric growth keeps chunk count low */
  while (size < need)
    size *= 2;
  arena_chunk *c = mem_alloc(&a->m, sizeof *c + size);
  if (!c)
    return false;
  c->next = a->head;
  c->size = size;
  a->head = c;
  a->cur = (char *)c->data;
  a->end = a->cur + size;
  a->nchunks++;
  return true;
}

void *arena_alloc(arena *a, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (n == 0)
    n = 8;
  if (a->limit && (a->used + n > a->limit || n > a->limit)) {
    a->failed = a->over_limit = true;
    return NULL;
  }
  if ((size_t)(a->end - a->cur) < n && !add_chunk(a, n)) {
    a->failed = true;
    return NULL;
  }
  void *p = a->cur;
  a->cur += n;
  a->used += n;
  return p;
}

/* (these two take arena_alloc's common case inline: the render names
 * facts and residuals with thousands of small strings a vendor) */
void *arena_zalloc(arena *a, size_t n) {
  void *p = arena_alloc_fast(a, n);
  if (p)
    memset(p, 0, n);
  return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc_fast(a, n + 1);
  if (!p)
    return NULL;
  if (n) /* [s] may be NULL when it is empty */
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* Most messages are short: format once into a stack buffer and copy;
 * only a longer one is formatted a second time, into its exact size. */
char *arena_vprintf(arena *a, const char *fmt, va_list ap) {
  char small[256];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  char *p = NULL;
  if (n >= 0 && (size_t)n < sizeof small)
    p = arena_strndup(a, small, (size_t)n);
  else if (n >= 0 && (p = arena_alloc(a, (size_t)n + 1)))
    vsnprintf(p, (size_t)n + 1, fmt, again);
  va_end(again);
  return p;
}

char *arena_printf(arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

/* Rewind [a]. When it grew to several chunks, they are replaced by one
 * as large as all of them, so the next round of the same work fits and
 * a steady-state loop (one evaluation, one check) stops allocating. */
void arena_reset(arena *a) {
  if (!a->head) { /* nothing made yet, or even the first chunk was refused
                     (out of memory, or over the limit): that was the
                     last round's failure, not the next one's */
    a->failed = a->over_limit = false;
    a->used = 0;
    return;
  }
  if (!a->head->next) { /* one chunk, the common case: rewind it (the
                           loops below would keep it as it is) */
    a->cur = (char *)a->head->data;
    a->end = a->cur + a->head->size;
    a->used = 0;
    a->failed = a->over_limit = false;
    return;
  }
  size_t total = 0, n = 0;
  for (arena_chunk *c = a->head; c; c = c->next, n++)
    total += c->size;
  arena_chunk *keep = a->head;
  if (n > 1) {
    arena_chunk *one = mem_alloc(&a->m, sizeof *one + total);
    if (one) { /* else keep the newest (largest) chunk */
      one->size = total;
      keep = one;
      a->nchunks++;
    }
  }
  for (arena_chunk *c = a->head; c;) {
    arena_chunk *next = c->next;
    if (c != keep)
      mem_free(&a->m, c);
    c = next;
  }
  keep->next = NULL;
  a->head = keep;
  a->cur = (char *)keep->data;
  a->end = a->cur + keep->size;
  a->used = 0;
  a->failed = a->over_limit = false;
}

void arena_free(arena *a) {
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *next = c->next;
    mem_free(&a->m, c);
    c = next;
  }
  arena_init(a, a->limit, &a->m);
}

bool arena_owns(const arena *a, const void *p) {
  uintptr_t x = (uintptr_t)p;
  for (const arena_chunk *c = a->head; c; c = c->next) {
    uintptr_t lo = (uintptr_t)c->data;
    if (x >= lo && x < lo + c->size)
      return true;
  }
  return false;
}
