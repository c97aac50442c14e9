/*
 * mem.h: the host's allocator (pol_config.alloc), passed by hand.
 *
 * Every heap block the library makes goes through a mem: the env copies
 * the host's function and user pointer into one, and every handle and
 * internal structure that allocates keeps its own copy (arenas, string
 * builders, programs, policies, reports, ...), so that freeing it needs
 * nothing but itself. There is no global or thread-local "current
 * allocator" (docs/decisions.md). A mem whose fn is NULL, and a NULL
 * mem pointer, mean malloc, realloc and free: that is the default, and
 * the test for it is one predictable branch before the libc call.
 *
 * A realloc-style function does not learn the old size of a block, so
 * none of these need it. A request for 0 bytes asks for 1: size 0 means
 * "free" to the host's function.
 */
#ifndef POL_MEM_H
#define POL_MEM_H

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pol.h"

typedef struct mem {
  pol_alloc_fn fn; /* NULL: libc */
  void *user;
} mem;

/* The mem of a host configuration: [fn] and [user] (fn NULL: libc). */
static inline mem mem_of(pol_alloc_fn fn, void *user) {
  mem m = {fn, fn ? user : NULL};
  return m;
}

/* [n] bytes (at least 1), or NULL. */
static inline void *mem_alloc(const mem *m, size_t n) {
  if (n == 0)
    n = 1;
  if (likely(!m || !m->fn))
    return malloc(n);
  return m->fn(m->user, NULL, n);
}

/* [p] (NULL: a new block) resized to [n] bytes (at least 1), or NULL with
 * [p] untouched. */
static inline void *mem_realloc(const mem *m, void *p, size_t n) {
  if (n == 0)
    n = 1;
  if (likely(!m || !m->fn))
    return realloc(p, n);
  return m->fn(m->user, p, n);
}

/* Free [p] (NULL is fine). */
static inline void mem_free(const mem *m, void *p) {
  if (!p)
    return;
  if (likely(!m || !m->fn))
    free(p);
  else
    m->fn(m->user, p, 0);
}

/* [count] zeroed elements of [size] bytes, or NULL (also on overflow). */
POL_INTERNAL void *mem_calloc(const mem *m, size_t count, size_t size);
/* A copy of the string [s] (of [n] bytes, NUL added), or NULL. */
POL_INTERNAL char *mem_strdup(const mem *m, const char *s);
POL_INTERNAL char *mem_strndup(const mem *m, const char *s, size_t n);

/* Heap arrays (those that outlive an arena): make *[p], of *[cap]
 * elements of [elem] bytes, hold at least [need], doubling as it grows.
 * false on out of memory or overflow, leaving *p and *cap as they were. */
POL_INTERNAL bool mem_grow(const mem *m, void **p, size_t *cap, size_t need,
                           size_t elem);

#endif
