/*
 * diag.h: compile-time diagnostics (syntax, name and type errors).
 *
 * Compilation keeps going after an error and collects every diagnostic in
 * a diag_list; each has a stable code (diag_codes.h), a message and
 * optionally a hint. The caller renders them as
 *
 *     file:line:col: error[E0101]: unexpected '*'
 *      1 | 1 + * 2
 *        |     ^
 *       hint: ...
 *
 * The source text is borrowed, never copied, for the life of the list.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stdarg.h>

#include "ast.h"
#include "diag_codes.h"
#include "value.h"

typedef struct diag {
  span sp;
  diag_code code;
  const char *msg;  /* in the list's arena */
  const char *hint; /* one line of advice, or NULL (in the arena) */
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
  bool dropped;       /* the last diag_add recorded nothing */
} diag_list;

/* diag_render's flags. */
enum { DIAG_EXCERPT = 1, DIAG_COLOR = 2 };

/* [m]: where the list's memory comes from (copied; NULL: libc). */
POL_INTERNAL void diag_init(diag_list *d, const char *file, const char *src,
                            size_t srclen, const mem *m);
POL_INTERNAL void diag_free(diag_list *d);
/* Add a diagnostic of kind [code] at [sp]. Stops recording (silently)
 * after 100, and never records the same one twice (same place, code and
 * message: a let inlined in ten rules reports its mistake once). */
POL_INTERNAL void diag_add(diag_list *d, diag_code code, span sp,
                           const char *fmt, ...) POL_PRINTF(4, 5);
POL_INTERNAL void diag_vadd(diag_list *d, diag_code code, span sp,
                            const char *fmt, va_list ap);
/* Whether [d] holds as many diagnostics as it records: later ones are
 * dropped, so the parser can stop looking for them. */
POL_INTERNAL bool diag_full(const diag_list *d);
/* Give the diagnostic just added a hint (replacing any); nothing when
 * diag_add recorded nothing. */
POL_INTERNAL void diag_hint(diag_list *d, const char *fmt, ...)
    POL_PRINTF(2, 3);
/* Order [d]'s diagnostics by their place in the source (stably: two at
 * one place keep their order), as a reader goes through a file. */
POL_INTERNAL void diag_sort(diag_list *d);
/* The code's text ("E0201") and its title (docs/errors.md). */
POL_INTERNAL const char *diag_code_text(diag_code code);
POL_INTERNAL const char *diag_code_title(diag_code code);
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
/* Render diagnostic [i] as "file:line:col: error[E0xxx]: message\n",
 * then with DIAG_EXCERPT in [flags] the source line and a caret run under
 * the span, then its hint, if any, as "  hint: ...\n". DIAG_COLOR adds
 * ANSI colours. */
POL_INTERNAL void diag_render(const diag_list *d, size_t i, int flags,
                              struct sbuf *out);

#endif
