/*
 * arena.h: bump allocation in chunks, freed in one step.
 *
 * Every value the engine makes lives in an arena: constants in the
 * program's, facts in the fact set's, temporaries in the evaluation
 * context's. Nothing is freed one by one, so values need no reference
 * counts and a whole evaluation is released by arena_reset().
 * An arena has an optional byte limit (the host's memory limit); an
 * allocation past it, or a failed allocation, returns NULL. Chunks come
 * from the arena's mem (mem.h), the allocator of the env it belongs to.
 * The arena of an evaluation also carries its step budget (cost.h);
 * every other arena's is unlimited.
 */
#ifndef POL_ARENA_H
#define POL_ARENA_H

#include <stdarg.h>

#include "common.h"
#include "mem.h"

typedef struct arena_chunk arena_chunk;

typedef struct arena {
  arena_chunk *head;  /* chunk being filled; older chunks follow */
  char *cur, *end;    /* free space in head */
  size_t used;        /* bytes handed out by the chunks (for limits) */
  size_t limit;       /* 0: unlimited */
  size_t nchunks;     /* chunk mallocs since init (for benchmarks) */
  bool failed;        /* an allocation failed since init/reset */
  bool over_limit;    /* ... because it would pass the limit */
  bool over_steps;    /* a charge found the step budget spent */
  uint64_t steps;     /* steps left in the evaluation's budget: the
                         meter of cost.h, kept here because every
                         operation that does work receives the arena */
  mem m;              /* where its chunks come from */
} arena;

/* An empty arena whose chunks come from [m] (copied; NULL: libc). */
POL_INTERNAL void arena_init(arena *a, size_t limit, const mem *m);
/* Free every chunk but the first, and rewind: all pointers die. */
POL_INTERNAL void arena_reset(arena *a);
POL_INTERNAL void arena_free(arena *a);
/* Whether [p] points into one of [a]'s chunks. */
POL_INTERNAL bool arena_owns(const arena *a, const void *p);
/* [n] bytes aligned to 8; NULL when out of memory or over the limit. */
POL_INTERNAL void *arena_alloc(arena *a, size_t n);
POL_INTERNAL void *arena_zalloc(arena *a, size_t n);
/* arena_alloc with its common case inline (no limit, room in the chunk),
 * for callers that allocate many small objects in a row (the JSON
 * reader). The room left is a multiple of 8, so [n] bytes fitting means
 * [n] rounded up to 8 fits too. */
static inline void *arena_alloc_fast(arena *a, size_t n) {
  if (likely(!a->limit && n && n <= (size_t)(a->end - a->cur))) {
    void *p = a->cur;
    size_t r = (n + 7) & ~(size_t)7;
    a->cur += r;
    a->used += r;
    return p;
  }
  return arena_alloc(a, n);
}
POL_INTERNAL char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into the arena; NULL on out of memory. */
POL_INTERNAL char *arena_printf(arena *a, const char *fmt, ...) POL_PRINTF(2, 3);
POL_INTERNAL char *arena_vprintf(arena *a, const char *fmt, va_list ap);

#endif
