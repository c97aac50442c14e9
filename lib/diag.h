/*
 * diag.h: compile-time diagnostics (syntax, name and type errors).
 *
 * Compilation keeps going after an error and collects every diagnostic in
 * a diag_list; the caller renders them as
 *
 *     file:line:col: error: message
 *      1 + * 2
 *          ^
 *
 * The source text is borrowed, never copied, for the life of the list.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include "ast.h"
#include "value.h"

typedef struct diag {
  span sp;
  const char *msg; /* in the list's arena */
} diag;

typedef struct diag_list {
  arena a;            /* messages */
  diag *items;        /* heap array (through a.m) */
  size_t n, cap;
  bool oom;           /* memory ran out while compiling this source:
                         the compile fails with POL_ENOMEM */
  const char *file;   /* name used in messages, e.g. "<expr>" */
  const char *src;    /* borrowed source text */
  size_t srclen;
} diag_list;

/* [m]: where the list's memory comes from (copied; NULL: libc). */
POL_INTERNAL void diag_init(diag_list *d, const char *file, const char *src,
                            size_t srclen, const mem *m);
POL_INTERNAL void diag_free(diag_list *d);
/* Add an error at [sp]. Stops recording (silently) after 100 errors. */
POL_INTERNAL void diag_add(diag_list *d, span sp, const char *fmt, ...)
    POL_PRINTF(3, 4);
/* Note that memory ran out at [sp] while compiling [d]'s source: an
 * "out of memory" error, and the flag that turns the compile's status
 * into POL_ENOMEM. */
POL_INTERNAL void diag_oom(diag_list *d, span sp);
/* The span of byte offset [off] in the list's source (line, col counted). */
POL_INTERNAL span diag_span_at(const diag_list *d, uint32_t off, uint32_t len);
/* [sp] moved forward to byte [off], lines and columns counted on the way
 * (clamped to the end of the source). */
POL_INTERNAL span diag_span_advance(const diag_list *d, span sp,
                                    uint32_t off);
/* Render diagnostic [i] as "file:line:col: message\n" plus, when
 * [excerpt], the source line and a caret run under the span. */
POL_INTERNAL void diag_render(const diag_list *d, size_t i, bool excerpt,
                              struct sbuf *out);

#endif
