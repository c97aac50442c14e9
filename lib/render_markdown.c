/*
 * render_markdown.c: --format markdown, GitHub-flavoured Markdown for
 * wikis and tickets (render.h). Each vendor's section (its rules as a
 * table: verdict, severity, id, title, values, evidence) is written as
 * it comes; the rules x vendors matrix and the scores need every vendor,
 * so they come at the end, from the verdict cells kept meanwhile
 * (cell_store), and the head links to them. Text from policies and fact
 * sets is escaped so that it cannot make links, HTML or table cells.
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "render.h"

#define MATRIX_COLUMNS 12 /* more vendors: one row per vendor instead */

/* Put [s] as Markdown text: sanitised, its Markdown and HTML characters
 * escaped, a line break as <br>. */
static void md(sbuf *b, const char *s) {
  sbuf t;
  sb_init(&t, &b->m);
  out_para(&t, s ? s : "", 0);
  for (size_t i = 0; i < t.len; i++) {
    char c = t.p[i];
    if (c == '\n')
      sb_puts(b, "<br>");
    else if (c == '<')
      sb_puts(b, "&lt;");
    else if (c == '&')
      sb_puts(b, "&amp;");
    else {
      /* ~: "09:30~17:00 ... 10:00~15:00" would be struck through,
       * $: "$100 / $200" would be GitHub's inline math */
      if (strchr("\\`*_[]|#!~$", c))
        sb_putc(b, '\\');
      sb_putc(b, c);
    }
  }
  b->oom |= t.oom;
  sb_free(&t);
}

static void verdict_cell(sbuf *b, lang l, const rule_result *rr) {
  sb_puts(b, rr->v == VD_PASS ? "" : "**");
  sb_puts(b, render_verdict(l, rr->v));
  sb_puts(b, rr->v == VD_PASS ? "" : "**");
  if (rr->waiver)
    sb_printf(b, " (%s)", render_word(l, rr->waiver_expired ? W_EXPIRED
                                                            : W_WAIVED));
}

/* Citation [e] as a line of the evidence cell [ev]. */
static void cite(sbuf *ev, const str *e) {
  sbuf t;
  sb_init(&t, &ev->m);
  sb_puts(ev, ev->len ? "<br>" : "");
  sb_put(&t, e->data, e->len);
  sb_putc(&t, '\0');
  md(ev, t.p);
  ev->oom |= t.oom;
  sb_free(&t);
}

/* Values (path = value) and their citations, for rule [i]; the missing
 * facts, with the citation of a refusal to disclose. */
static void facts_cells(const report *r, const vendor_result *vr,
                        uint32_t i, sbuf *b, lang l) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, false, &n);
  sbuf ev, v;
  sb_init(&ev, &b->m);
  sb_init(&v, &b->m);
  for (uint32_t k = 0; k < n; k++) {
    if (!render_resolve(r, vr, &f[k], b))
      continue;
    v.len = 0;
    if (f[k].kind == FR_ABSENT) /* a presence test found nothing */
      sb_puts(&v, render_word(l, W_NOT_PRESENT));
    else
      val_print(&v, report_value(&f[k]));
    sb_putc(&v, '\0');
    sb_puts(b, k ? "<br>" : "");
    md(b, f[k].path);
    sb_puts(b, f[k].kind == FR_ABSENT ? ": " : " = ");
    md(b, v.p);
    if (f[k].evidence)
      cite(&ev, f[k].evidence);
  }
  f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], b)) {
      sb_puts(b, (k || b->len) ? "<br>" : "");
      sb_printf(b, "%s: ", render_word(l, W_MISSING));
      md(b, f[k].path);
      sb_printf(b, " (%s)", render_word(l, f[k].withheld ? W_WITHHELD
                                                         : W_NOT_DISCLOSED));
      if (f[k].evidence)
        cite(&ev, f[k].evidence);
    }
  sb_puts(b, " | ");
  sb_put(b, ev.p, ev.len);
  b->oom |= ev.oom || v.oom;
  sb_free(&ev);
  sb_free(&v);
}

static void rule_row(const renderer *w, const report *r,
                     const vendor_result *vr, uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  sb_puts(b, "| ");
  verdict_cell(b, w->lang, rr);
  sb_printf(b, " | %s | `", render_severity(w->lang, ru->sev));
  out_text(b, ru->id); /* in a code span: only backticks matter */
  sb_puts(b, "` | ");
  md(b, ru->title);
  sb_puts(b, " | ");
  sbuf c;
  sb_init(&c, &w->m);
  facts_cells(r, vr, i, &c, w->lang);
  const char *when = render_skipped(r, vr, i, b);
  if (when) {
    sb_printf(b, "%s ", render_word(w->lang, W_SKIPPED_WHEN));
    md(b, when);
    sb_printf(b, " %s", render_word(w->lang, W_IS_FALSE));
    sb_puts(b, c.len > 3 ? "<br>" : "");
  }
  const char *extra = rr->reason ? rr->reason : report_message(r, vr, i);
  if (extra) {
    md(b, extra);
    sb_puts(b, c.len > 3 ? "<br>" : "");
  }
  const rule_unknown *u = render_unknown(r, vr, i, b);
  if (u && !u->r.passes_if && u->r.applies_if && u->r.if_applies >= 0) {
    /* require decided, `when` not: what the text says, not "passes if
     * WHEN", which reads as "fails otherwise" */
    sb_printf(b, "%s: ", render_word(w->lang, W_APPLIES_IF));
    md(b, u->r.applies_if);
    sb_printf(b, "<br>%s: %s<br>", render_word(w->lang, W_IF_IT_APPLIES),
              render_verdict(w->lang, (verdict)u->r.if_applies));
  } else if (u && u->r.passes) {
    sb_printf(b, "%s: ", render_word(w->lang, W_RESIDUAL));
    md(b, u->r.passes);
    sb_puts(b, "<br>");
  }
  sb_put(b, c.p, c.len);
  sb_puts(b, " |\n");
  b->oom |= c.oom;
  sb_free(&c);
}

static void waiver_lines(const renderer *w, const report *r,
                         const vendor_result *vr, sbuf *b) {
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    const rule_result *rr = &vr->rules[i];
    if (!rr->waiver)
      continue;
    const waiver *wv = rr->waiver;
    sb_printf(b, "- %s `", render_word(w->lang, rr->waiver_expired
                                                    ? W_EXPIRED
                                                    : W_WAIVED));
    out_text(b, r->pol->rules[i].id);
    sb_printf(b, "` (%s): ", render_verdict(w->lang, rr->v));
    md(b, wv->justification);
    sb_printf(b, "; %s ", render_word(w->lang, W_OWNER));
    md(b, wv->owner);
    if (wv->ticket) {
      sb_printf(b, "; %s ", render_word(w->lang, W_TICKET));
      md(b, wv->ticket);
    }
    if (wv->expires)
      sb_printf(b, "; %s %s", render_word(w->lang, W_EXPIRES), wv->expires);
    sb_putc(b, '\n');
  }
}

static void md_chunk(const renderer *w, const report *r, uint32_t j,
                     sbuf *b) {
  const vendor_result *vr = &r->vendors[j];
  lang l = w->lang;
  sbuf doc;
  sb_init(&doc, &w->m);
  render_document(&doc, l, vr);
  sb_puts(b, "\n## ");
  md(b, vr->name);
  sb_puts(b, "\n\n");
  if (vr->service) {
    sb_printf(b, "- %s: ", render_word(l, W_SERVICE));
    md(b, vr->service);
    sb_putc(b, '\n');
  }
  if (doc.len) {
    sb_printf(b, "- %s: ", render_word(l, W_DOCUMENT));
    md(b, doc.p);
    sb_putc(b, '\n');
  }
  sb_printf(b, "- %s: ", render_word(l, W_SOURCE));
  md(b, vr->source);
  sb_printf(b, "\n- %s: **%s**\n", render_word(l, W_RESULT),
            render_word(l, vr->compliant ? W_COMPLIANT : W_NOT_COMPLIANT));
  waiver_lines(w, r, vr, b);
  sb_printf(b, "\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n",
            render_word(l, W_VERDICT), render_word(l, W_SEVERITY),
            render_word(l, W_RULE), render_word(l, W_TITLE),
            render_word(l, W_VALUE), render_word(l, W_EVIDENCE));
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    rule_row(w, r, vr, i, b);
  b->oom |= doc.oom;
  sb_free(&doc);
}

static void md_place(renderer *w, const report *r, uint32_t i,
                     const char *text, size_t len, sbuf *b) {
  cells_keep(w->state, r, &r->vendors[i]);
  sb_put(b, text, len);
}

/* An input that could not be checked: a section of its own where its
 * vendor's would be, saying so and why, and a row of the scores. */
static void md_error(renderer *w, const char *from, const char *msg,
                     sbuf *b) {
  lang l = w->lang;
  cells_error(w->state, from, msg);
  sb_printf(b, "\n## %s: ", render_word(l, W_NOT_CHECKED_HEAD));
  md(b, from);
  sb_printf(b, "\n\n- %s: ", render_word(l, W_SOURCE));
  md(b, from);
  sb_printf(b, "\n- %s: **%s**\n- %s: ", render_word(l, W_RESULT),
            render_word(l, W_NOT_CHECKED), render_word(l, W_ERROR_TEXT));
  md(b, msg);
  sb_puts(b, "\n\n");
  md(b, render_word(l, W_NOT_CHECKED_WHY));
  sb_putc(b, '\n');
}

static void md_begin(renderer *w, sbuf *b) {
  const policy *p = w->pol;
  cells_init(w->state, &w->m);
  sb_puts(b, "# ");
  md(b, p->title ? p->title : p->name);
  sb_puts(b, "\n\n");
  sb_printf(b, "- %s: ", render_word(w->lang, W_POLICY));
  md(b, p->name);
  if (p->version) {
    sb_printf(b, " (%s ", render_word(w->lang, W_VERSION));
    md(b, p->version);
    sb_putc(b, ')');
  }
  if (p->file) {
    sb_printf(b, "\n- %s: ", render_word(w->lang, W_POLICY_FILE));
    md(b, p->file);
  }
  sb_printf(b, "\n- [%s](#matrix) · [%s](#stamp)\n",
            render_word(w->lang, W_MATRIX), render_word(w->lang, W_STAMP));
}

/* A cell of the matrix: the verdict word, marked when waived. */
static void cell(sbuf *b, lang l, uint8_t c) {
  sb_puts(b, " ");
  sb_puts(b, render_verdict(l, (verdict)(c & CELL_VERDICT)));
  if (c & CELL_WAIVED)
    sb_printf(b, " (%s)", render_word(l, W_WAIVED));
  sb_puts(b, " |");
}

static void matrix_rules(const renderer *w, const cell_store *c, sbuf *b) {
  const policy *p = w->pol;
  sb_printf(b, "| %s | %s |", render_word(w->lang, W_RULE),
            render_word(w->lang, W_SEVERITY));
  for (size_t j = 0; j < c->nv; j++) {
    sb_putc(b, ' ');
    md(b, c->v[j].name);
    sb_puts(b, " |");
  }
  sb_puts(b, "\n|---|---|");
  for (size_t j = 0; j < c->nv; j++)
    sb_puts(b, "---|");
  for (uint32_t i = 0; i < p->nrules; i++) {
    sb_puts(b, "\n| `");
    out_text(b, p->rules[i].id);
    sb_printf(b, "` | %s |", render_severity(w->lang, p->rules[i].sev));
    for (size_t j = 0; j < c->nv; j++)
      cell(b, w->lang, cells_row(c, p, j)[i]);
    render_spill(w, b);
  }
  sb_putc(b, '\n');
}

/* The scores' row of an input that could not be checked. */
static void error_row(const renderer *w, const input_error *e, sbuf *b) {
  sb_puts(b, "| ");
  md(b, e->source);
  sb_printf(b, " | **%s** |", render_word(w->lang, W_NOT_CHECKED));
  for (int k = 0; k < 8; k++) /* score, disclosure, verdicts, waived */
    sb_puts(b, " - |");
  sb_putc(b, '\n');
}

/* The scores' row of vendor [v]. */
static void score_row(const renderer *w, const cell_vendor *v, sbuf *b) {
  lang l = w->lang;
  int s = cells_score(v), d = cells_disclosure(v);
  sb_puts(b, "| ");
  md(b, v->name);
  sb_printf(b, " | %s |", render_word(l, v->compliant ? W_YES : W_NO));
  sb_printf(b, s < 0 ? " - |" : " %d%% |", s);
  sb_printf(b, d < 0 ? " - |" : " %d%% |", d);
  for (int k = VD_PASS; k <= VD_SKIPPED; k++)
    sb_printf(b, " %u |", v->count[k]);
  sb_printf(b, " %u |\n", v->nwaived);
}

/* A row per vendor and per input not checked, in input order. */
static void scores(const renderer *w, const cell_store *c, sbuf *b) {
  lang l = w->lang;
  size_t e = 0;
  sb_printf(b, "\n| %s | %s | %s | %s |", render_word(l, W_VENDOR),
            render_word(l, W_COMPLIANT_COL), render_word(l, W_SCORE),
            render_word(l, W_DISCLOSURE));
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(b, " %s |", render_verdict(l, (verdict)v));
  sb_printf(b, " %s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            render_word(l, W_WAIVED));
  for (size_t j = 0; j <= c->nv; j++) {
    for (; e < c->errs.n && c->errs.e[e].at <= j; e++)
      error_row(w, &c->errs.e[e], b);
    if (j < c->nv)
      score_row(w, &c->v[j], b);
    render_spill(w, b);
  }
}

static void stamp_item(void *user, const char *key, const char *text) {
  sbuf *b = user;
  if (!*text)
    return;
  sb_printf(b, "- %s: `", key);
  out_text(b, text);
  sb_puts(b, "`\n");
}

static void md_end(renderer *w, sbuf *b) {
  const cell_store *c = w->state;
  b->oom |= c->oom;
  sb_printf(b, "\n<a id=\"matrix\"></a>\n\n## %s\n\n",
            render_word(w->lang, W_MATRIX));
  if (c->errs.total) { /* first: a reader of the summary alone sees it */
    sb_puts(b, "**");
    render_word_count(b, w->lang, W_NOT_CHECKED_COUNT, c->errs.total);
    sb_puts(b, "**\n\n");
  }
  if (c->nv == 0)
    sb_printf(b, "%s\n", render_word(w->lang, W_NO_VENDORS));
  else if (c->nv <= MATRIX_COLUMNS && w->matrix != MATRIX_VENDORS)
    matrix_rules(w, c, b);
  if (c->nv || c->errs.n)
    scores(w, c, b);
  if (c->errs.total > c->errs.n) {
    sb_puts(b, "\n");
    render_word_count(b, w->lang, W_NOT_CHECKED_MORE,
                      c->errs.total - c->errs.n);
    sb_puts(b, "\n");
  }
  sb_printf(b, "\n<a id=\"stamp\"></a>\n\n## %s\n\n",
            render_word(w->lang, W_STAMP));
  stamp_each(w, stamp_item, b);
}

static void md_free(renderer *w) { cells_free(w->state); }

const render_ops render_markdown_ops = {
    "markdown", sizeof(cell_store), md_begin, md_chunk,
    md_place,   md_error,           md_end,   md_free};
