/*
 * names.c: the name index of names.h, open addressing with linear
 * probing, sized once at twice the names it will hold.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

struct name_slot {
  const char *name; /* NULL: empty */
  uint32_t hash;
  int value;
};

bool names_init(name_index *x, size_t n, const mem *m) {
  size_t cap = 8;
  while (cap < 2 * n)
    cap *= 2;
  x->m = m ? *m : mem_of(NULL, NULL);
  x->slots = mem_calloc(&x->m, cap, sizeof *x->slots);
  x->mask = cap - 1;
  x->n = 0;
  return x->slots != NULL;
}

void names_free(name_index *x) {
  mem_free(&x->m, x->slots);
  x->slots = NULL;
}

static struct name_slot *find(const name_index *x, const char *name,
                              uint32_t h) {
  for (size_t i = h & x->mask;; i = (i + 1) & x->mask) {
    struct name_slot *s = &x->slots[i];
    if (!s->name || (s->hash == h && strcmp(s->name, name) == 0))
      return s;
  }
}

/* Twice the slots, the names moved over; false when out of memory. */
static bool grow(name_index *x) {
  size_t cap = 2 * (x->mask + 1);
  struct name_slot *was = x->slots, *t = mem_calloc(&x->m, cap, sizeof *t);
  if (!t)
    return false;
  x->slots = t;
  x->mask = cap - 1;
  for (size_t i = 0; i < cap / 2; i++)
    if (was[i].name)
      *find(x, was[i].name, was[i].hash) = was[i];
  mem_free(&x->m, was);
  return true;
}

int names_put(name_index *x, const char *name, int value) {
  uint32_t h = val_hash_bytes(name, strlen(name));
  struct name_slot *s = find(x, name, h);
  if (!s->name && 2 * (x->n + 1) > x->mask + 1) { /* a new name */
    if (!grow(x))
      return -2;
    s = find(x, name, h);
  }
  int old = s->name ? s->value : -1;
  x->n += !s->name;
  *s = (struct name_slot){name, h, value};
  return old;
}

int names_get(const name_index *x, const char *name) {
  if (!x->slots)
    return -1;
  struct name_slot *s = find(x, name, val_hash_bytes(name, strlen(name)));
  return s->name ? s->value : -1;
}
