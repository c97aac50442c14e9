/*
 * names.h: an index from names to small integers, for the lookups that
 * would otherwise compare every name with every other (a policy's lets
 * against the prelude's 270, its rules against each other, waivers by
 * vendor). Sized for the names expected, it grows when half full. Keys
 * are borrowed: they must outlive the index.
 */
#ifndef POL_NAMES_H
#define POL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "mem.h"

typedef struct name_index {
  struct name_slot *slots;
  size_t mask, n;     /* slots - 1, names held */
  mem m;
} name_index;

/* An index for up to [n] names, allocated through [m] (NULL: libc).
 * false on out of memory. */
POL_INTERNAL bool names_init(name_index *x, size_t n, const mem *m);
POL_INTERNAL void names_free(name_index *x);
/* Map [name] to [value]; returns the value it had before, -1 when it
 * had none, or -2 when out of memory (the index then is as it was). */
POL_INTERNAL int names_put(name_index *x, const char *name, int value);
/* The value of [name], or -1. */
POL_INTERNAL int names_get(const name_index *x, const char *name);

#endif
