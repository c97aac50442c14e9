/*
 * render.c: the table of report renderers (render.h) and the calls that
 * drive one, plus the small pieces several of them share.
 */
#include "render.h"

#include "pol.h"

#include <stdlib.h>
#include <string.h>

/* Every format, in the order of the public POL_FORMAT_* numbers. */
static const render_ops *const formats[] = {
    &render_text_ops,  &render_json_ops,     &render_questions_ops,
    &render_ndjson_ops, &render_markdown_ops, &render_html_ops,
    &render_csv_ops,   &render_junit_ops,    &render_sarif_ops,
    &render_tap_ops,   &render_questions_json_ops,
    &render_questions_csv_ops};

const render_ops *render_find(const char *name) {
  for (size_t i = 0; i < POL_COUNTOF(formats); i++)
    if (strcmp(formats[i]->name, name) == 0)
      return formats[i];
  return NULL;
}

const render_ops *render_by_number(int format) {
  if (format < 0 || (size_t)format >= POL_COUNTOF(formats))
    return NULL;
  return formats[format];
}

bool render_init(renderer *w, const render_ops *ops, const policy *pol,
                 unknown_mode unknown, int flags) {
  memset(w, 0, sizeof *w);
  w->ops = ops;
  w->pol = pol;
  w->unknown = unknown;
  w->flags = flags;
  w->m = pol->a.m;
  w->stamp.m = w->m;
  w->lang = LANG_EN;
  w->state = mem_calloc(&w->m, 1, ops->state_size ? ops->state_size : 1);
  return w->state != NULL;
}

void render_begin(renderer *w, sbuf *out) { w->ops->begin(w, out); }

/* What the report makes while it is read (messages, paths) may fail
 * for want of memory: then so does the output, never a report with a
 * part silently missing. */
void render_chunk(const renderer *w, const report *r, uint32_t i,
                  sbuf *out) {
  w->ops->chunk(w, r, i, out);
  out->oom |= r->oom;
}

void render_place(renderer *w, const report *r, uint32_t i,
                  const char *text, size_t len, sbuf *out) {
  w->ops->place(w, r, i, text, len, out);
  w->nvendors++;
}

void render_vendor(renderer *w, const report *r, uint32_t i, sbuf *tmp,
                   sbuf *out) {
  if (w->ops->place == render_place_as_is) { /* no copy through [tmp] */
    render_chunk(w, r, i, out);
    w->nvendors++;
    return;
  }
  sb_reset(tmp);
  render_chunk(w, r, i, tmp);
  out->oom |= tmp->oom;
  render_place(w, r, i, tmp->p, tmp->len, out);
}

/* place() for the formats whose vendors are their chunks, no more. */
void render_place_as_is(renderer *w, const report *r, uint32_t i,
                        const char *text, size_t len, sbuf *out) {
  POL_UNUSED(w);
  POL_UNUSED(r);
  POL_UNUSED(i);
  sb_put(out, text, len);
}

void render_error(renderer *w, const char *from, const char *message,
                  sbuf *out) {
  if (w->ops->error)
    w->ops->error(w, from, message, out);
  w->nerrors++;
}

void render_end(renderer *w, sbuf *out) { w->ops->end(w, out); }

void render_spill(const renderer *w, sbuf *out) {
  if (w->spill && out->len > (64u << 10))
    w->spill(w->spill_user, out);
}

void render_free(renderer *w) {
  if (w->state && w->ops && w->ops->free) /* no state: init failed */
    w->ops->free(w);
  mem_free(&w->m, w->state);
  w->state = NULL;
  stamp_free(&w->stamp);
}

/* ==== shared pieces ====================================================== */

const char *unknown_mode_name(unknown_mode m) {
  return m == UNKNOWN_WARN ? "warn" : m == UNKNOWN_IGNORE ? "ignore" : "fail";
}

void render_document(sbuf *t, lang l, const vendor_result *vr) {
  const char *open = render_word(l, W_OPEN);
  if (vr->document)
    sb_puts(t, vr->document);
  else if (*open == ' ')
    open++; /* nothing before the parenthesis */
  if (!vr->version && !vr->date)
    return;
  sb_puts(t, open);
  if (vr->version) {
    const char *f = render_word(l, W_VERSION_OF), *at = strstr(f, "%s");
    sb_put(t, f, (size_t)(at - f));
    sb_puts(t, vr->version);
    sb_puts(t, at + 2);
  }
  if (vr->version && vr->date)
    sb_puts(t, render_word(l, W_COMMA));
  if (vr->date)
    sb_puts(t, vr->date);
  sb_puts(t, render_word(l, W_CLOSE));
}

void render_error_text(sbuf *b, const char *src, const char *message) {
  size_t n;
  unsigned line, col;
  if (!render_error_where(src, message, &n, &line, &col))
    sb_printf(b, "%s: ", src);
  sb_puts(b, message);
}

const char *render_verdict_sgr(verdict v) {
  static const char *const sgr[] = {"32", "31", "33", "35", "2"};
  return (unsigned)v < 5 ? sgr[v] : "0";
}
