/*
 * import_pool.c: the memory of one `policyc import` run: a bump pool
 * that frees everything at once, growable arrays in it, and a text
 * buffer. Out of memory ends the run (status 3): an import has no
 * partial result worth keeping, and nothing has been written yet.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

enum { BLOCK = 64 * 1024 };

typedef struct block {
  struct block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} block;

struct imp_pool {
  block *head;
};

static void out_of_memory(void) {
  cli_error("import: out of memory");
  exit(EXIT_INPUT);
}

imp_pool *imp_pool_new(void) {
  imp_pool *p = calloc(1, sizeof *p);
  if (!p)
    out_of_memory();
  return p;
}

void imp_pool_free(imp_pool *p) {
  if (!p)
    return;
  for (block *b = p->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(p);
}

void *imp_alloc(imp_pool *p, size_t n) {
  n = (n + 15) & ~(size_t)15;
  block *b = p->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > BLOCK ? n : BLOCK;
    b = malloc(sizeof *b + cap);
    if (!b)
      out_of_memory();
    b->used = 0;
    b->cap = cap;
    b->next = p->head;
    p->head = b;
  }
  void *r = b->data + b->used;
  b->used += n;
  memset(r, 0, n);
  return r;
}

char *imp_strndup(imp_pool *p, const char *s, size_t n) {
  char *r = imp_alloc(p, n + 1);
  memcpy(r, s, n);
  r[n] = '\0';
  return r;
}

char *imp_strdup(imp_pool *p, const char *s) {
  return imp_strndup(p, s, strlen(s));
}

char *imp_printf(imp_pool *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *r = imp_alloc(p, (size_t)(n < 0 ? 0 : n) + 1);
  va_start(ap, fmt);
  vsnprintf(r, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return r;
}

void imp_push(imp_pool *p, void ***items, size_t *n, size_t *cap,
              void *item) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    void **grown = imp_alloc(p, nc * sizeof *grown);
    if (*n)
      memcpy(grown, *items, *n * sizeof *grown);
    *items = grown; /* the old array stays in the pool until the end */
    *cap = nc;
  }
  (*items)[(*n)++] = item;
}

/* ==== text buffer ======================================================== */

void imp_buf_init(imp_buf *b, imp_pool *p) {
  memset(b, 0, sizeof *b);
  b->pool = p;
}

void imp_buf_put(imp_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 32;
    while (nc < b->len + n + 1)
      nc *= 2;
    char *grown = imp_alloc(b->pool, nc);
    if (b->len)
      memcpy(grown, b->s, b->len);
    b->s = grown;
    b->cap = nc;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void imp_buf_puts(imp_buf *b, const char *s) { imp_buf_put(b, s, strlen(s)); }

void imp_buf_printf(imp_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n < sizeof small) {
    imp_buf_put(b, small, (size_t)n);
    return;
  }
  char *big = imp_alloc(b->pool, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  imp_buf_put(b, big, (size_t)n);
}
