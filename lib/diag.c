/*
 * diag.c: the list of compile-time diagnostics (see diag.h). It owns the
 * storage of messages and hints (the list's arena), the table of codes
 * (diag_codes.h) and their rendering as "file:line:col: error[E0xxx]:
 * message", optionally followed by the source line under a line-number
 * gutter and a caret line such as "^~~~" under the span, then the hint.
 * The col of line:col counts code points; the caret line is laid out in
 * terminal cells (East Asian wide characters take two, a tab stays a
 * tab) so that the caret sits under the span. The source text is only
 * borrowed.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIAG_MAX = 100 }; /* errors recorded per list; later ones dropped */

static const struct {
  const char *text, *title;
} codes[DC_COUNT] = {
#define X(name, code, title) [DC_##name] = {code, title},
    DIAG_CODES(X)
#undef X
};

const char *diag_code_text(diag_code code) {
  return code < DC_COUNT ? codes[code].text : "E0000";
}

const char *diag_code_title(diag_code code) {
  return code < DC_COUNT ? codes[code].title : "?";
}

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

/* Whether [d] holds a diagnostic at the place of [sp] with [code] and
 * the text [msg] already. */
static bool seen(const diag_list *d, span sp, diag_code code,
                 const char *msg) {
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].sp.off == sp.off && d->items[i].code == code &&
        strcmp(d->items[i].msg, msg) == 0)
      return true;
  return false;
}

/* Add a diagnostic [code] at [sp] with a printf-formatted message. After
 * DIAG_MAX of them it is silently dropped, and so is a repeat of one
 * already there; when memory runs out it is lost too, but the list is
 * marked (the compile fails with POL_ENOMEM); a message that cannot be
 * formatted is replaced by a fixed text. */
void diag_add(diag_list *d, diag_code code, span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(d, code, sp, fmt, ap);
  va_end(ap);
}

bool diag_full(const diag_list *d) { return d->n >= DIAG_MAX; }

/* diag_add with the message's arguments in [ap]. */
void diag_vadd(diag_list *d, diag_code code, span sp, const char *fmt,
               va_list ap) {
  d->dropped = true;
  if (d->n >= DIAG_MAX)
    return;
  if (!mem_grow(&d->a.m, (void **)&d->items, &d->cap, d->n + 1,
                sizeof *d->items)) {
    d->oom = true; /* the error is lost: the compile still fails */
    return;
  }
  const char *msg = arena_vprintf(&d->a, fmt, ap);
  d->oom |= !msg;
  msg = msg ? msg : "error (out of memory for its message)";
  if (seen(d, sp, code, msg))
    return;
  d->items[d->n] = (diag){sp, code, msg, NULL};
  d->n++;
  d->dropped = false;
}

/* Attach a printf-formatted hint to the diagnostic diag_add just
 * recorded; nothing if it recorded nothing. */
void diag_hint(diag_list *d, const char *fmt, ...) {
  if (d->dropped || d->n == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  d->items[d->n - 1].hint = arena_vprintf(&d->a, fmt, ap);
  va_end(ap);
  d->oom |= !d->items[d->n - 1].hint; /* lost: the compile says so */
}

void diag_sort(diag_list *d) {
  for (size_t i = 1; i < d->n; i++) { /* insertion sort: at most 100 */
    diag g = d->items[i];
    size_t j = i;
    for (; j > 0 && d->items[j - 1].sp.off > g.sp.off; j--)
      d->items[j] = d->items[j - 1];
    d->items[j] = g;
  }
}

void diag_oom(diag_list *d, span sp) {
  d->oom = true;
  diag_add(d, DC_NO_MEMORY, sp, "out of memory");
}

/* Move [sp] (a position in the source) forward to byte [off], counting
 * lines and columns (code points) on the way; an offset past the end is
 * clamped to the end. */
span diag_span_advance(const diag_list *d, span sp, uint32_t off) {
  if (off > d->srclen)
    off = (uint32_t)d->srclen;
  while (sp.off < off) { /* line by line: a column is a code point */
    const char *s = d->src + sp.off;
    const char *nl = memchr(s, '\n', off - sp.off);
    if (!nl) {
      sp.col += (uint32_t)utf8_count(s, off - sp.off);
      sp.off = off;
    } else {
      sp.line++;
      sp.col = 1;
      sp.off = (uint32_t)(nl - d->src) + 1;
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

/* ANSI colours (SGR) of the parts of a rendered diagnostic. */
#define SGR_LOC "1"       /* file:line:col, the message: bold */
#define SGR_ERROR "1;31"  /* error[E0xxx], the carets: bold red */
#define SGR_WARN "1;35"   /* warning[W0xxx]: bold magenta */
#define SGR_GUTTER "1;34" /* line number and '|': bold blue */
#define SGR_HINT "1;32"   /* "hint:": bold green */

/* Append [s] in colour [sgr] when [color]. */
static void paint(sbuf *out, bool color, const char *sgr, const char *s) {
  if (color)
    sb_printf(out, "\033[%sm%s\033[0m", sgr, s);
  else
    sb_puts(out, s);
}

/* The caret line for a span of [len] bytes at [off] on the line starting
 * at [start] and ending at [end]: blanks as wide as the text before the
 * span (tabs kept, wide CJK characters two columns), '^' under its first
 * character, '~' under the rest of it as far as the line goes. */
static void carets(const diag_list *d, size_t start, size_t end, size_t off,
                   size_t len, bool color, sbuf *out) {
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
  char run[256];
  size_t n = cols < sizeof run - 1 ? cols : sizeof run - 1;
  run[0] = '^';
  memset(run + 1, '~', n ? n - 1 : 0);
  run[n ? n : 1] = '\0';
  paint(out, color, SGR_ERROR, run);
  sb_putc(out, '\n');
}

/* Append the source line [s] of [n] bytes, each byte that is not valid
 * UTF-8 and each control character but tab shown as U+FFFD: a terminal
 * is not to be confused (or driven) by what a source holds. Both are one
 * column wide, as carets() counts them. */
static void put_line(const char *s, size_t n, sbuf *out) {
  for (size_t i = 0; i < n;) {
    size_t at = i;
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0)
      i = at + 1;
    if (cp < 0 || (cp < 0x20 && cp != '\t') || cp == 0x7F)
      sb_puts(out, "\xEF\xBF\xBD");
    else
      sb_put(out, s + at, i - at);
  }
}

/* The source line of [g] under a gutter holding its number, and the
 * caret line under a blank gutter of the same width. */
static void excerpt(const diag_list *d, const diag *g, bool color,
                    sbuf *out) {
  size_t off = g->sp.off <= d->srclen ? g->sp.off : d->srclen, s, e;
  line_of(d, off, &s, &e);
  char num[16], pad[16];
  int w = snprintf(num, sizeof num, "%u", (unsigned)g->sp.line);
  snprintf(pad, sizeof pad, "%*s", w, "");
  sb_putc(out, ' ');
  paint(out, color, SGR_GUTTER, num);
  paint(out, color, SGR_GUTTER, " | ");
  put_line(d->src + s, e - s, out);
  sb_printf(out, "\n %s", pad);
  paint(out, color, SGR_GUTTER, " | ");
  carets(d, s, e, off, g->sp.len, color, out);
}

/* Append diagnostic [i] to [out]: "file:line:col: error[E0xxx]:
 * message\n"; with DIAG_EXCERPT (and a source), the source line and a
 * caret line under the span; then "  hint: ...\n" if it has a hint. */
void diag_render(const diag_list *d, size_t i, int flags, struct sbuf *out) {
  if (i >= d->n)
    return;
  const diag *g = &d->items[i];
  bool color = flags & DIAG_COLOR;
  const char *code = diag_code_text(g->code);
  char head[64];
  snprintf(head, sizeof head, "%s[%s]:", code[0] == 'W' ? "warning" : "error",
           code);
  sbuf loc;
  sb_init(&loc, &d->a.m);
  sb_printf(&loc, "%s:%u:%u:", d->file ? d->file : "<input>",
            (unsigned)g->sp.line, (unsigned)g->sp.col);
  sb_putc(&loc, '\0');
  out->oom |= loc.oom; /* "out of memory", never a "?" for the place */
  if (!loc.oom)
    paint(out, color, SGR_LOC, loc.p);
  sb_free(&loc);
  sb_putc(out, ' ');
  paint(out, color, code[0] == 'W' ? SGR_WARN : SGR_ERROR, head);
  sb_putc(out, ' ');
  paint(out, color, SGR_LOC, g->msg);
  sb_putc(out, '\n');
  if ((flags & DIAG_EXCERPT) && d->src)
    excerpt(d, g, color, out);
  if (g->hint) {
    sb_puts(out, "  ");
    paint(out, color, SGR_HINT, "hint:");
    sb_printf(out, " %s\n", g->hint);
  }
}
