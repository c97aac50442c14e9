/*
 * diag.c: the list of compile-time diagnostics (see diag.h). It owns the
 * storage of messages (the list's arena) and their rendering as
 * "file:line:col: message", optionally followed by the source line and a
 * caret line such as "    ^~~~" under the span. The col of line:col
 * counts code points; the caret line is laid out in terminal cells (East
 * Asian wide characters take two, a tab stays a tab) so that the caret
 * sits under the span. The source text is only borrowed.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIAG_MAX = 100 }; /* errors recorded per list; later ones dropped */

/* Start an empty list for [file] (a name for messages) whose spans point
 * into [src] of [srclen] bytes; [src] is borrowed for the list's life. */
void diag_init(diag_list *d, const char *file, const char *src,
               size_t srclen, const mem *m) {
  memset(d, 0, sizeof *d);
  arena_init(&d->a, 0, m);
  d->file = file;
  d->src = src;
  d->srclen = srclen;
}

/* Free the messages and the list itself (not the borrowed source). */
void diag_free(diag_list *d) {
  mem_free(&d->a.m, d->items);
  arena_free(&d->a);
  d->items = NULL;
  d->n = d->cap = 0;
}

/* Add an error at [sp] with a printf-formatted message. After DIAG_MAX
 * errors, or when memory runs out, the error is silently dropped; a
 * message that cannot be formatted is replaced by a fixed text. */
void diag_add(diag_list *d, span sp, const char *fmt, ...) {
  if (d->n >= DIAG_MAX)
    return;
  if (!mem_grow(&d->a.m, (void **)&d->items, &d->cap, d->n + 1,
                sizeof *d->items)) {
    d->oom = true; /* the error is lost: the compile still fails */
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  const char *msg = arena_vprintf(&d->a, fmt, ap);
  va_end(ap);
  d->items[d->n].sp = sp;
  d->items[d->n].msg = msg ? msg : "error (out of memory for its message)";
  d->oom |= !msg;
  d->n++;
}

void diag_oom(diag_list *d, span sp) {
  d->oom = true;
  diag_add(d, sp, "out of memory");
}

/* Move [sp] (a position in the source) forward to byte [off], counting
 * lines and columns (code points) on the way; an offset past the end is
 * clamped to the end. */
span diag_span_advance(const diag_list *d, span sp, uint32_t off) {
  if (off > d->srclen)
    off = (uint32_t)d->srclen;
  for (; sp.off < off; sp.off++) {
    unsigned char c = (unsigned char)d->src[sp.off];
    if (c == '\n') {
      sp.line++;
      sp.col = 1;
    } else if ((c & 0xC0) != 0x80) {
      sp.col++;
    }
  }
  return sp;
}

/* The span of [len] bytes at byte offset [off] of the source, with its
 * line and column (code points) counted from the start. An offset past
 * the end is clamped to the end. */
span diag_span_at(const diag_list *d, uint32_t off, uint32_t len) {
  span start = {0, len, 1, 1};
  return diag_span_advance(d, start, off);
}

/* The source line holding byte [off]: [*start, *end) without the line
 * break (a CR before the LF is dropped too). */
static void line_of(const diag_list *d, size_t off, size_t *start,
                    size_t *end) {
  size_t s = off, e = off;
  while (s > 0 && d->src[s - 1] != '\n')
    s--;
  while (e < d->srclen && d->src[e] != '\n')
    e++;
  if (e > s && d->src[e - 1] == '\r')
    e--;
  *start = s;
  *end = e;
}

/* The caret line for a span of [len] bytes at [off] on the line starting
 * at [start] and ending at [end]: blanks as wide as the text before the
 * span (tabs kept, wide CJK characters two columns), '^' under its first
 * character, '~' under the rest of it as far as the line goes. */
static void carets(const diag_list *d, size_t start, size_t end, size_t off,
                   size_t len, sbuf *out) {
  size_t i = start;
  while (i < off && i < end) {
    if (d->src[i] == '\t') {
      sb_putc(out, '\t');
      i++;
      continue;
    }
    int32_t cp = utf8_decode(d->src, end, &i);
    for (int w = cp < 0 ? (i++, 1) : utf8_cp_width((uint32_t)cp); w > 0; w--)
      sb_putc(out, ' ');
  }
  size_t stop = off + (len ? len : 1) < end ? off + (len ? len : 1) : end;
  size_t cols = i < stop ? utf8_width(d->src + i, stop - i) : 1;
  sb_putc(out, '^');
  for (size_t k = 1; k < cols; k++)
    sb_putc(out, '~');
  sb_putc(out, '\n');
}

/* Append diagnostic [i] to [out] as "file:line:col: message\n" and, when
 * [excerpt] is true and the list has source, the source line and a caret
 * line under the span. */
void diag_render(const diag_list *d, size_t i, bool excerpt,
                 struct sbuf *out) {
  if (i >= d->n)
    return;
  const diag *g = &d->items[i];
  sb_printf(out, "%s:%u:%u: %s\n", d->file ? d->file : "<input>",
            (unsigned)g->sp.line, (unsigned)g->sp.col, g->msg);
  if (!excerpt || !d->src)
    return;
  size_t off = g->sp.off <= d->srclen ? g->sp.off : d->srclen, s, e;
  line_of(d, off, &s, &e);
  sb_put(out, d->src + s, e - s);
  sb_putc(out, '\n');
  carets(d, s, e, off, g->sp.len, out);
}
