/*
 * render_csv.c: --format csv, for spreadsheets (render.h). UTF-8 with a
 * byte-order mark, so Excel opens Japanese text as UTF-8; RFC 4180
 * records (CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled); one row per vendor x rule, written as each
 * vendor comes. Headings and verdict words follow --lang; the stamp comes
 * last, as rows whose first field is "#stamp".
 *
 * An input that could not be checked is a row of its own, in input
 * order: its source, the verdict column NOT CHECKED, and the error in
 * the message column, so that a filter on the verdict finds it.
 *
 * A field that starts with = + - @ gets a leading apostrophe, so that a
 * fact set cannot put a formula into the reader's spreadsheet (text from
 * vendors' documents is untrusted).
 */
#include <string.h>

#include "out.h"
#include "render.h"

enum {
  C_VENDOR, C_SOURCE, C_RULE, C_TITLE, C_SEVERITY, C_VERDICT, C_WAIVER,
  C_VALUES, C_EVIDENCE, C_MISSING, C_MESSAGE, C_RESIDUAL, NCOLS
};

static const word heads[NCOLS] = {
    W_VENDOR,  W_SOURCE, W_RULE,     W_TITLE,   W_SEVERITY,   W_VERDICT,
    W_WAIVER,  W_VALUE,  W_EVIDENCE, W_MISSING, W_MESSAGE,    W_RESIDUAL};

static void field(sbuf *b, const char *s, size_t n, bool first) {
  out_csv_field(b, s, n, first);
}

static void field_str(sbuf *b, const char *s, bool first) {
  field(b, s ? s : "", s ? strlen(s) : 0, first);
}

/* A field built in [t]: sanitised pieces joined by line breaks. */
typedef struct cell {
  sbuf t;
  bool any;
} cell;

static void piece(cell *c) {
  if (c->any)
    sb_putc(&c->t, '\n');
  c->any = true;
}

static void cell_free(sbuf *b, cell *c, bool first) {
  field(b, c->t.p ? c->t.p : "", c->t.len, first);
  b->oom |= c->t.oom;
  sb_free(&c->t);
}

/* The values, citations and missing paths of rule [i]. */
static void facts_cells(const report *r, const vendor_result *vr,
                        uint32_t i, lang l, cell *vals, cell *ev,
                        cell *miss) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, false, &n);
  for (uint32_t k = 0; k < n; k++) {
    if (!render_resolve(r, vr, &f[k], &vals->t))
      continue;
    piece(vals);
    out_text(&vals->t, f[k].path);
    sb_puts(&vals->t, f[k].kind == FR_ABSENT ? ": " : " = ");
    sbuf v;
    sb_init(&v, &vals->t.m);
    if (f[k].kind == FR_ABSENT) /* the words of every form for people */
      sb_puts(&v, render_word(l, W_NOT_PRESENT));
    else
      val_print(&v, report_value(&f[k]));
    out_text(&vals->t, v.p);
    vals->t.oom |= v.oom;
    sb_free(&v);
    if (f[k].evidence) {
      piece(ev);
      out_para(&ev->t, f[k].evidence->data, 0); /* keeps its lines */
    }
  }
  f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], &miss->t)) {
      piece(miss);
      out_text(&miss->t, f[k].path);
      if (f[k].withheld) /* in the headings' language */
        sb_puts(&miss->t, l == LANG_JA ? "（非開示）" : " (withheld)");
      if (f[k].evidence) { /* the citation of a refusal */
        piece(ev);
        out_para(&ev->t, f[k].evidence->data, 0);
      }
    }
}

static void waiver_field(sbuf *b, lang l, const rule_result *rr) {
  sbuf t;
  sb_init(&t, &b->m);
  if (rr->waiver) { /* why first: a reader decides by the reason */
    sb_puts(&t, render_word(l, rr->waiver_expired ? W_EXPIRED : W_WAIVED));
    sb_printf(&t, ": %s — %s",
              rr->waiver->justification ? rr->waiver->justification : "",
              rr->waiver->owner ? rr->waiver->owner : "");
    if (rr->waiver->ticket)
      sb_printf(&t, " (%s)", rr->waiver->ticket);
    if (rr->waiver->expires)
      sb_printf(&t, " %s %s", render_word(l, W_EXPIRES),
                rr->waiver->expires);
  }
  sbuf s;
  sb_init(&s, &b->m);
  out_text(&s, t.p);
  field(b, s.p ? s.p : "", s.len, false);
  b->oom |= s.oom || t.oom;
  sb_free(&s);
  sb_free(&t);
}

static void row(const renderer *w, const report *r, const vendor_result *vr,
                uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  cell vals = {0}, ev = {0}, miss = {0};
  sb_init(&vals.t, &w->m); /* the cells' text through the host allocator */
  sb_init(&ev.t, &w->m);
  sb_init(&miss.t, &w->m);
  field_str(b, vr->name, true);
  field_str(b, vr->source, false);
  field_str(b, ru->id, false);
  field_str(b, ru->title, false);
  field_str(b, render_severity(w->lang, ru->sev), false);
  field_str(b, render_verdict(w->lang, rr->v), false);
  waiver_field(b, w->lang, rr);
  facts_cells(r, vr, i, w->lang, &vals, &ev, &miss);
  cell_free(b, &vals, false);
  cell_free(b, &ev, false);
  cell_free(b, &miss, false);
  field_str(b, rr->reason ? rr->reason : report_message(r, vr, i), false);
  field_str(b, render_residual(r, vr, i, b), false);
  sb_puts(b, "\r\n");
}

static void csv_begin(renderer *w, sbuf *b) {
  sb_puts(b, "\xef\xbb\xbf"); /* the byte-order mark */
  for (int c = 0; c < NCOLS; c++)
    field_str(b, render_word(w->lang, heads[c]), c == 0);
  sb_puts(b, "\r\n");
}

static void csv_chunk(const renderer *w, const report *r, uint32_t j,
                      sbuf *b) {
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    row(w, r, &r->vendors[j], i, b);
}

static void csv_error(renderer *w, const char *from, const char *msg,
                      sbuf *b) {
  for (int c = 0; c < NCOLS; c++)
    field_str(b, c == C_SOURCE    ? from
                 : c == C_VERDICT ? render_word(w->lang, W_NOT_CHECKED)
                 : c == C_MESSAGE ? msg
                                  : NULL,
              c == 0);
  sb_puts(b, "\r\n");
}

static void stamp_row(void *user, const char *key, const char *text) {
  sbuf *b = user;
  field_str(b, "#stamp", true);
  field_str(b, key, false);
  field_str(b, text, false);
  for (int c = 3; c < NCOLS; c++)
    sb_putc(b, ',');
  sb_puts(b, "\r\n");
}

static void csv_end(renderer *w, sbuf *b) { stamp_each(w, stamp_row, b); }

const render_ops render_csv_ops = {"csv",     0,       csv_begin,
                                   csv_chunk, render_place_as_is,
                                   csv_error, csv_end, NULL};
