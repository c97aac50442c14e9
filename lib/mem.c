/*
 * mem.c: the allocation helpers of mem.h that are not worth inlining:
 * zeroed arrays, string copies and growable arrays, each through the
 * caller's mem.
 */
#include "mem.h"

#include <stdint.h>

void *mem_calloc(const mem *m, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  if (!m || !m->fn)
    return calloc(count ? count : 1, size ? size : 1);
  size_t n = count * size;
  void *p = mem_alloc(m, n);
  if (p)
    memset(p, 0, n ? n : 1);
  return p;
}

char *mem_strndup(const mem *m, const char *s, size_t n) {
  char *p = mem_alloc(m, n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *mem_strdup(const mem *m, const char *s) {
  return mem_strndup(m, s, strlen(s));
}

bool mem_grow(const mem *m, void **p, size_t *cap, size_t need,
              size_t elem) {
  if (need <= *cap)
    return true;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      return false;
    ncap *= 2;
  }
  if (ncap > SIZE_MAX / elem)
    return false;
  void *q = mem_realloc(m, *p, ncap * elem);
  if (!q)
    return false;
  *p = q;
  *cap = ncap;
  return true;
}
