/*
 * render_text.c: the text report (render.h). One vendor gets the
 * per-rule report: verdict, the facts read with their values and the
 * citations of the vendor's document, the missing facts, the message,
 * and a summary. Several get the matrix (render_text_matrix.c). The
 * choice is made at the end, so while vendors stream in this member
 * keeps the first vendor's report (until a second comes) and each
 * vendor's verdict cells and names (cell_store): never the vendors'
 * facts.
 *
 * Words come from render_lang.c in the report's language (--lang);
 * columns are sized from them by display width. With a width to fit
 * (--width, COLUMNS on a terminal) the long texts of a rule's block
 * (titles, values, evidence, residuals) wrap with a hanging indent
 * (out_wrap); piped without one nothing wraps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol.h"
#include "render_text.h"

#define ID_MAX 28     /* widest id column before truncation */
#define WRAP_MIN 24   /* a wrapped text hangs under its label's end when
                         this many columns are left there */
#define VALUE_MAX 240 /* a value's text is cut after this many bytes */

typedef struct text_state {
  sbuf first;    /* the first vendor's per-rule report */
  cell_store c;  /* each vendor's names and verdict cells */
} text_state;

static const char *nz(const char *s) { return s ? s : ""; }

/* ==== words and cells ==================================================== */

static size_t widest(size_t w, const char *s) {
  size_t sw = out_width(s);
  return sw > w ? sw : w;
}

void text_style_init(text_style *t, const renderer *w) {
  t->l = w->lang;
  t->flags = w->flags;
  t->width = w->width;
  t->verdict_w = out_width(render_word(t->l, W_WAIVED));
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    t->verdict_w = widest(t->verdict_w, render_verdict(t->l, (verdict)v));
  t->sev_w = 0;
  for (int s = SEV_MUST; s <= SEV_MAY; s++)
    t->sev_w = widest(t->sev_w, render_severity(t->l, (severity)s));
}

size_t text_say(sbuf *out, const text_style *t, word wd, const char *arg) {
  const char *s = render_word(t->l, wd), *at = strstr(s, "%s");
  size_t n = at ? (size_t)(at - s) : strlen(s);
  sb_put(out, s, n);
  size_t w = out_span_width(s, n);
  if (!at)
    return w;
  if (arg)
    w += out_span(out, arg, strlen(arg), SIZE_MAX, false);
  sb_puts(out, at + 2);
  return w + out_width(at + 2);
}

void text_wrap_line(sbuf *out, const text_style *t, const char *s,
                    size_t col, size_t hang) {
  /* Nothing wraps at width 0, and out_wrap would copy out_text's result
   * as it is: it holds no line break and only glyphs shown as
   * themselves. Skipping the copy and the second pass is most of a
   * title's cost in a report to a file or a pipe. */
  if (!t->width) {
    out_text(out, s);
    return;
  }
  sbuf b;
  sb_init(&b, &out->m);
  out_text(&b, s);
  out_wrap(out, nz(b.p), col, hang, t->width);
  out->oom |= b.oom;
  sb_free(&b);
}

void text_verdict(sbuf *out, const text_style *t, verdict v, size_t width,
                  bool pad) {
  out_colored(out, render_verdict(t->l, v), render_verdict_sgr(v), width,
              pad, t->flags & RENDER_COLOR);
}

void text_waived(sbuf *out, const text_style *t, size_t width, bool pad) {
  out_colored(out, render_word(t->l, W_WAIVED), "36", width, pad,
              t->flags & RENDER_COLOR);
}

void text_compliant(sbuf *out, const text_style *t, bool ok, word yes,
                    word no, size_t width) {
  const char *s = render_word(t->l, ok ? yes : no);
  out_colored(out, s, ok ? "32" : "31", SIZE_MAX, false,
              t->flags & RENDER_COLOR);
  if (width > out_width(s))
    out_spaces(out, width - out_width(s));
}

/* ==== must-rule lists ==================================================== */

/* (A waived cell never equals a verdict: it does not count; one whose
 * waiver expired does.) */
static bool must_is(const policy *p, text_row vs, uint32_t i, unsigned v) {
  return p->rules[i].sev == SEV_MUST && (vs[i] & ~CELL_EXPIRED) == v;
}

uint32_t text_must_count(const policy *p, text_row vs, unsigned v) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->nrules; i++)
    n += must_is(p, vs, i, v);
  return n;
}

size_t text_must_ids(sbuf *out, const text_style *t, const policy *p,
                     text_row vs, unsigned v, size_t col) {
  size_t edge = t->width ? t->width : TEXT_WRAP_W;
  bool first = true;
  for (uint32_t i = 0; i < p->nrules; i++) {
    if (!must_is(p, vs, i, v))
      continue;
    size_t w = out_width(p->rules[i].id);
    if (!first)
      sb_putc(out, ',');
    if (col > 4 && col + 2 + w > edge) {
      while (out->len > 0 && out->p[out->len - 1] == ' ')
        out->len--; /* a label's, when the first id goes down */
      sb_puts(out, "\n    ");
      col = 4;
    } else if (!first) {
      sb_putc(out, ' ');
      col += 2;
    }
    out_text(out, p->rules[i].id);
    col += w;
    first = false;
  }
  return col;
}

/* "  [label]: ids\n" for the must-rules that ended in [v], if any. */
static void must_line(sbuf *out, const text_style *t, const policy *p,
                      text_row vs, unsigned v, word label) {
  if (!text_must_count(p, vs, v))
    return;
  sb_printf(out, "  %s: ", render_word(t->l, label));
  text_must_ids(out, t, p, vs, v, 4 + out_width(render_word(t->l, label)));
  sb_putc(out, '\n');
}

/* ==== heads ============================================================== */

size_t text_label_width(const text_style *t) {
  static const word labels[] = {W_POLICY,   W_POLICY_FILE, W_VENDOR,
                                W_SERVICE,  W_DOCUMENT,    W_SOURCE,
                                W_ASSUMED};
  size_t w = 0;
  for (size_t i = 0; i < POL_COUNTOF(labels); i++)
    w = widest(w, render_word(t->l, labels[i]));
  return w + TEXT_GAP;
}

/* "[label]  text" lines of a head: the label padded to [labelw], the
 * text wrapped under itself; nothing when there is no text. */
static void label_line(sbuf *out, const text_style *t, size_t labelw,
                            const char *label, const char *text) {
  if (!text || !*text)
    return;
  out_cell(out, label, labelw, true);
  text_wrap_line(out, t, text, labelw, labelw);
  sb_putc(out, '\n');
}

/* "title (name, version V)", or the name alone. */
static void policy_title(sbuf *b, const text_style *t, const policy *p) {
  bool paren = p->title || p->version;
  sb_puts(b, p->title ? p->title : nz(p->name));
  if (paren)
    sb_puts(b, render_word(t->l, W_OPEN));
  if (p->title)
    sb_puts(b, nz(p->name));
  if (p->title && p->version)
    sb_puts(b, render_word(t->l, W_COMMA));
  if (p->version)
    text_say(b, t, W_VERSION_OF, p->version);
  if (paren)
    sb_puts(b, render_word(t->l, W_CLOSE));
}

void text_policy_head(sbuf *out, const text_style *t, const policy *p,
                      size_t labelw) {
  sbuf b;
  sb_init(&b, &out->m);
  policy_title(&b, t, p);
  label_line(out, t, labelw, render_word(t->l, W_POLICY), nz(b.p));
  out->oom |= b.oom;
  sb_free(&b);
  label_line(out, t, labelw, render_word(t->l, W_POLICY_FILE), p->file);
}

size_t text_id_width(const policy *p, size_t min) {
  size_t w = min;
  for (uint32_t i = 0; i < p->nrules; i++)
    w = widest(w, p->rules[i].id);
  return w < ID_MAX ? w : ID_MAX;
}

/* The paths --assume set, and what they are. */
static void assumed_text(sbuf *b, const text_style *t,
                         const vendor_result *vr) {
  for (uint32_t i = 0; vr->assumed && i < vr->assumed->n; i++) {
    val p = vr->assumed->items[i];
    if (p.kind != V_STRING)
      continue;
    if (b->len)
      sb_puts(b, render_word(t->l, W_COMMA));
    sb_puts(b, p.as.s->data);
  }
  if (b->len)
    sb_puts(b, render_word(t->l, W_ASSUMED_NOTE));
}

static void vendor_head(sbuf *out, const text_style *t,
                        const vendor_result *vr, size_t labelw) {
  sbuf b;
  sb_init(&b, &out->m);
  render_document(&b, t->l, vr);
  label_line(out, t, labelw, render_word(t->l, W_VENDOR), vr->name);
  label_line(out, t, labelw, render_word(t->l, W_SERVICE), vr->service);
  label_line(out, t, labelw, render_word(t->l, W_DOCUMENT), b.p);
  label_line(out, t, labelw, render_word(t->l, W_SOURCE), vr->source);
  out->oom |= b.oom; /* sb_reset forgets it */
  sb_reset(&b);
  assumed_text(&b, t, vr);
  label_line(out, t, labelw, render_word(t->l, W_ASSUMED),
                  b.len ? b.p : NULL);
  out->oom |= b.oom;
  sb_free(&b);
}

/* ==== one vendor: a rule's block ========================================= */

/* Where a rule's detail lines start: under its id. */
static size_t detail_col(const text_style *t) {
  return t->verdict_w + TEXT_GAP + t->sev_w + TEXT_GAP;
}

/* Where the lines of [text] after a label that ends at column [col]
 * hang: under the text's start, unless fewer than WRAP_MIN columns are
 * left there or a word of it would have to be cut there but not at
 * [base] + 2 (base: where the label starts); then at base + 2. */
static size_t hang_of(const text_style *t, const char *text, size_t col,
                      size_t base) {
  if (!t->width || col <= base + 2)
    return col;
  if (col + WRAP_MIN > t->width)
    return base + 2;
  size_t piece = out_word_width(text);
  return piece > t->width - col && base + 2 + piece <= t->width ? base + 2
                                                              : col;
}

/* Put [text] after a label that ends at column [col], wrapped to the
 * width (hang_of). */
static void wrapped(sbuf *out, const text_style *t, const char *text,
                    size_t col, size_t base) {
  out_wrap(out, text, col, hang_of(t, text, col, base), t->width);
}

/* A detail line, indented by [extra] more than the others: [label]
 * (sanitised already), then [text] wrapped. A label wider than the
 * line (one with a long fact path) wraps too, two columns in, at its
 * dots. */
static void detail(sbuf *out, const text_style *t, size_t extra,
                   const char *label, const char *text) {
  size_t base = detail_col(t) + extra, col = base + out_width(label);
  out_spaces(out, base);
  if (t->width && col > t->width)
    col = out_wrap(out, label, base, base + 2, t->width);
  else
    sb_puts(out, label);
  wrapped(out, t, text, col, base);
  sb_putc(out, '\n');
}

/* A detail line "word: text", if there is a text. */
static void para_line(sbuf *out, const text_style *t, word label,
                      const char *text) {
  if (!text)
    return;
  sbuf b;
  sb_init(&b, &out->m);
  sb_printf(&b, "%s: ", render_word(t->l, label));
  detail(out, t, 0, nz(b.p), text);
  out->oom |= b.oom;
  sb_free(&b);
}

/* "evidence: citation", or "evidence (of PATH): citation" when the
 * citation is an ancestor's. */
static void evidence_line(sbuf *out, const text_style *t,
                          const fact_ref *f) {
  if (!f->evidence)
    return;
  sbuf b, of;
  sb_init(&b, &out->m);
  sb_init(&of, &out->m);
  if (report_cites_other(f)) {
    sb_put(&of, f->path + f->ev_off, f->ev_len);
    text_say(&b, t, W_EVIDENCE_OF, nz(of.p));
  } else {
    sb_puts(&b, render_word(t->l, W_EVIDENCE));
  }
  sb_puts(&b, ": ");
  detail(out, t, 2, nz(b.p), f->evidence->data);
  out->oom |= b.oom || of.oom;
  sb_free(&b);
  sb_free(&of);
}

static void refs_line(sbuf *out, const text_style *t, const rule *ru) {
  if (!ru->nrefs)
    return;
  sbuf b;
  sb_init(&b, &out->m);
  for (uint32_t i = 0; i < ru->nrefs; i++) {
    sb_puts(&b, i ? ", " : "");
    out_text(&b, ru->refs[i]);
  }
  para_line(out, t, W_REFS, nz(b.p));
  out->oom |= b.oom;
  sb_free(&b);
}

/* A value as CEL literal text, cut after VALUE_MAX bytes. */
static void value_text(sbuf *out, val v) {
  sbuf t;
  sb_init(&t, &out->m);
  val_print(&t, v);
  size_t n = t.len;
  if (n > VALUE_MAX) { /* cut on a character boundary */
    n = VALUE_MAX;
    while (n > 0 && ((unsigned char)t.p[n] & 0xC0) == 0x80)
      n--;
  }
  out_span(out, t.p ? t.p : "", n, SIZE_MAX, false);
  if (n < t.len)
    sb_puts(out, OUT_ELLIPSIS);
  out->oom |= t.oom;
  sb_free(&t);
}

/* "path = value" and its citation (unless the fact before had the same
 * one: items of one list often share their list's); "path: not present"
 * for a presence test that found nothing. */
static void used_line(sbuf *out, const text_style *t, const fact_ref *f,
                      const str *cited) {
  sbuf label, b;
  sb_init(&label, &out->m);
  sb_init(&b, &out->m);
  out_text(&label, f->path); /* sanitised: detail() puts labels as is */
  sb_puts(&label, f->kind == FR_ABSENT ? ": " : " = ");
  if (f->kind == FR_ABSENT) {
    sb_puts(&b, render_word(t->l, W_NOT_PRESENT));
  } else {
    value_text(&b, report_value(f));
    if (f->assumed)
      sb_puts(&b, render_word(t->l, W_ASSUMED_MARK));
    if (f->decided)
      sb_puts(&b, render_word(t->l, W_DECIDED_MARK));
  }
  detail(out, t, 0, nz(label.p), nz(b.p));
  out->oom |= label.oom || b.oom;
  sb_free(&label);
  sb_free(&b);
  if (f->kind != FR_ABSENT && f->evidence != cited)
    evidence_line(out, t, f);
}

static void missing_line(sbuf *out, const text_style *t, const fact_ref *f) {
  sbuf b;
  sb_init(&b, &out->m);
  out_text(&b, f->path);
  sb_puts(&b, render_word(t->l, W_OPEN));
  sb_puts(&b, render_word(t->l, f->withheld ? W_WITHHELD : W_NOT_DISCLOSED));
  sb_puts(&b, render_word(t->l, W_CLOSE));
  para_line(out, t, W_MISSING, nz(b.p));
  out->oom |= b.oom;
  sb_free(&b);
  evidence_line(out, t, f);
}

/* An UNKNOWN rule's residual ("applies if", "passes if") and its
 * decisive facts, each marked withheld or not disclosed, with the
 * citation of a refusal. false when it has no residual to show (then the
 * missing facts are listed as they were found). */
static bool unknown_lines(sbuf *out, const text_style *t, const report *r,
                          const vendor_result *vr, uint32_t i) {
  const rule_unknown *u = render_unknown(r, vr, i, out);
  if (!u)
    return false;
  para_line(out, t, W_APPLIES_IF, u->r.applies_if);
  para_line(out, t, W_RESIDUAL, u->r.passes_if);
  if (!u->r.passes_if)
    para_line(out, t, W_IF_IT_APPLIES,
              render_verdict(t->l, (verdict)u->r.if_applies));
  for (uint32_t k = 0; k < u->r.nfacts; k++)
    missing_line(out, t, &u->facts[k]);
  return true;
}

/* The head line of a rule's block: verdict (WAIVED for a waived one, the
 * verdict it replaces on the waiver's line), severity, id, title. The
 * title is left out when it is the id, and never truncated: it wraps. */
static void rule_head(sbuf *out, const text_style *t, const rule *ru,
                      const rule_result *rr, size_t idw) {
  bool titled = ru->title && strcmp(ru->title, ru->id) != 0;
  if (rule_waived(rr))
    text_waived(out, t, t->verdict_w, true);
  else
    text_verdict(out, t, rr->v, t->verdict_w, true);
  out_spaces(out, TEXT_GAP);
  out_cell(out, render_severity(t->l, ru->sev), t->sev_w, true);
  out_spaces(out, TEXT_GAP);
  out_cell(out, ru->id, idw, titled);
  if (titled) {
    out_spaces(out, TEXT_GAP);
    size_t col = detail_col(t) + idw + TEXT_GAP;
    text_wrap_line(out, t, ru->title, col,
                   hang_of(t, ru->title, col, detail_col(t) - 2));
  }
  sb_putc(out, '\n');
}

static void rule_facts(sbuf *out, const text_style *t, const report *r,
                       const vendor_result *vr, uint32_t i) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, false, &n);
  const str *cited = NULL;
  for (uint32_t k = 0; k < n; k++) {
    if (!render_resolve(r, vr, &f[k], out))
      continue;
    used_line(out, t, &f[k], cited);
    cited = f[k].evidence;
  }
  if (vr->rules[i].more) {
    char num[16];
    snprintf(num, sizeof num, "%u", vr->rules[i].more);
    out_spaces(out, detail_col(t));
    text_say(out, t, W_MORE_FACTS, num);
    sb_putc(out, '\n');
  }
  if (unknown_lines(out, t, r, vr, i))
    return;
  f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], out))
      missing_line(out, t, &f[k]);
}

/* "WAIVED (was FAIL): justification — owner, ticket, until D", or
 * "expired waiver (FAIL stays): ..." for one that no longer applies. */
static void waiver_line(sbuf *out, const text_style *t,
                        const rule_result *rr) {
  const waiver *w = rr->waiver;
  if (!w)
    return;
  sbuf label, b;
  sb_init(&label, &out->m);
  sb_init(&b, &out->m);
  text_say(&label, t, rr->waiver_expired ? W_EXPIRED_STAYS : W_WAIVED_WAS,
           render_verdict(t->l, rr->v));
  out_text(&b, w->justification);
  sb_puts(&b, " — ");
  out_text(&b, w->owner);
  if (w->ticket) {
    sb_puts(&b, render_word(t->l, W_COMMA));
    out_text(&b, w->ticket);
  }
  if (w->expires)
    text_say(&b, t, rr->waiver_expired ? W_EXPIRED_ON : W_UNTIL, w->expires);
  detail(out, t, 0, nz(label.p), nz(b.p));
  out->oom |= label.oom || b.oom;
  sb_free(&label);
  sb_free(&b);
}

/* Where a rule imported from a module is defined (docs/policies.md,
 * "Organisation libraries"); nothing for the policy's own rules. */
static void from_line(sbuf *out, const text_style *t, const policy *p,
                      const rule *ru) {
  if (!ru->file || !p->file || !strcmp(ru->file, p->file))
    return;
  sbuf b;
  sb_init(&b, &out->m);
  out_text(&b, ru->file);
  sb_printf(&b, ":%u", ru->line);
  para_line(out, t, W_FROM, nz(b.p));
  out->oom |= b.oom;
  sb_free(&b);
}

/* "not applicable: when X is false": the part of `when` that was. */
static void skipped_line(sbuf *out, const text_style *t, const report *r,
                         const vendor_result *vr, uint32_t i) {
  const char *when = render_skipped(r, vr, i, out);
  if (!when)
    return;
  sbuf label, b;
  sb_init(&label, &out->m);
  sb_init(&b, &out->m);
  sb_printf(&label, "%s ", render_word(t->l, W_SKIPPED_WHEN));
  sb_printf(&b, "%s %s", when, render_word(t->l, W_IS_FALSE));
  detail(out, t, 0, nz(label.p), nz(b.p));
  out->oom |= label.oom || b.oom;
  sb_free(&label);
  sb_free(&b);
}

static void rule_block(sbuf *out, const text_style *t, const report *r,
                       const vendor_result *vr, uint32_t i, size_t idw) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  rule_head(out, t, ru, rr, idw);
  from_line(out, t, r->pol, ru);
  if (vr->was && vr->was[i] - 1 != (int)rr->v)
    para_line(out, t, W_WAS,
              render_verdict(t->l, (verdict)(vr->was[i] - 1)));
  refs_line(out, t, ru);
  rule_facts(out, t, r, vr, i);
  skipped_line(out, t, r, vr, i);
  waiver_line(out, t, rr);
  para_line(out, t, W_REASON, rr->reason);
  para_line(out, t, W_MESSAGE, report_message(r, vr, i));
}

/* ==== one vendor: summary and result ===================================== */

/* One row of count columns, each right-aligned under its heading. */
static void count_row(sbuf *out, const text_style *t, const char *label,
                      size_t labelw, const uint32_t *n) {
  uint32_t total = 0;
  out_cell(out, label, labelw, true);
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    sb_printf(out, "  %*u", (int)out_width(render_verdict(t->l, (verdict)v)),
              n[v]);
    total += n[v];
  }
  sb_printf(out, "  %*u\n", (int)out_width(render_word(t->l, W_TOTAL)),
            total);
}

static void summary_table(sbuf *out, const text_style *t,
                          const vendor_result *vr) {
  uint32_t all[5] = {0};
  char label[64];
  size_t labelw = out_width(render_word(t->l, W_SUMMARY)) + TEXT_GAP;
  labelw = labelw > 2 + t->sev_w ? labelw : 2 + t->sev_w;
  out_cell(out, render_word(t->l, W_SUMMARY), labelw, true);
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(out, "  %s", render_verdict(t->l, (verdict)v));
  sb_printf(out, "  %s\n", render_word(t->l, W_TOTAL));
  for (int s = SEV_MUST; s <= SEV_MAY; s++) {
    uint32_t line[5];
    for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
      line[v] = vr->count[v][s];
      all[v] += line[v];
    }
    snprintf(label, sizeof label, "  %s",
             render_severity(t->l, (severity)s));
    count_row(out, t, label, labelw, line);
  }
  snprintf(label, sizeof label, "  %s", render_word(t->l, W_TOTAL));
  count_row(out, t, label, labelw, all);
}

/* "Result: COMPLIANT" or "NOT COMPLIANT", then which must-rules made it
 * so; unknown must-rules as the unknown mode says. */
static void result_lines(sbuf *out, const text_style *t, const renderer *w,
                         text_row vs, bool compliant) {
  const policy *p = w->pol;
  sb_printf(out, "%s: ", render_word(t->l, W_RESULT));
  text_compliant(out, t, compliant, W_COMPLIANT, W_NOT_COMPLIANT, 0);
  sb_putc(out, '\n');
  must_line(out, t, p, vs, VD_FAIL, W_FAILED_MUST);
  must_line(out, t, p, vs, VD_ERROR, W_ERROR_MUST);
  if (w->unknown == UNKNOWN_FAIL)
    must_line(out, t, p, vs, VD_UNKNOWN, W_UNKNOWN_MUST_FAIL);
  else if (w->unknown == UNKNOWN_WARN)
    must_line(out, t, p, vs, VD_UNKNOWN, W_UNKNOWN_MUST_WARN);
  must_line(out, t, p, vs, VD_SKIPPED | CELL_UNCHECKED, W_UNCHECKED_MUST);
}

static void render_single(const renderer *w, const report *r, uint32_t j,
                          text_row vs, sbuf *out) {
  const policy *p = w->pol;
  const vendor_result *vr = &r->vendors[j];
  text_style t;
  text_style_init(&t, w);
  size_t idw = text_id_width(p, 0), labelw = text_label_width(&t);
  text_policy_head(out, &t, p, labelw);
  vendor_head(out, &t, vr, labelw);
  sb_putc(out, '\n');
  for (uint32_t i = 0; i < p->nrules; i++)
    rule_block(out, &t, r, vr, i, idw);
  sb_putc(out, '\n');
  summary_table(out, &t, vr);
  sb_putc(out, '\n');
  result_lines(out, &t, w, vs, vr->compliant);
}

/* ==== inputs not checked ================================================ */

void text_not_checked(sbuf *out, const text_style *t, const input_error *e,
                      size_t col, size_t hang) {
  sbuf b;
  sb_init(&b, &out->m);
  render_error_text(&b, e->source, e->message);
  text_wrap_line(out, t, nz(b.p), col, hang);
  out->oom |= b.oom;
  sb_free(&b);
}

void text_not_checked_count(sbuf *out, const text_style *t,
                            const error_store *e) {
  char num[24];
  sbuf b;
  sb_init(&b, &out->m);
  if (e->total > e->n) { /* the ones not kept: counted, not listed */
    snprintf(num, sizeof num, "%llu",
             (unsigned long long)(e->total - e->n));
    text_say(&b, t, W_NOT_CHECKED_MORE, num);
    text_wrap_line(out, t, nz(b.p), 2, 2);
    sb_puts(out, "\n\n");
    out->oom |= b.oom;
    sb_reset(&b);
  }
  snprintf(num, sizeof num, "%llu", (unsigned long long)e->total);
  text_say(&b, t, W_NOT_CHECKED_COUNT, num);
  text_wrap_line(out, t, nz(b.p), 0, 0);
  sb_putc(out, '\n');
  out->oom |= b.oom;
  sb_free(&b);
}

/* After one vendor's report, or none: "Not checked", a line per input
 * that could not be checked, in input order, and how many there were;
 * nothing when there were none. */
static void not_checked_block(sbuf *out, const text_style *t,
                              const error_store *e) {
  if (!e->n)
    return;
  sb_printf(out, "\n%s\n", render_word(t->l, W_NOT_CHECKED_HEAD));
  for (size_t k = 0; k < e->n; k++) {
    out_spaces(out, 2);
    text_not_checked(out, t, &e->e[k], 2, 4);
    sb_putc(out, '\n');
  }
  sb_putc(out, '\n');
  text_not_checked_count(out, t, e);
}

/* ==== the stamp ========================================================= */

static void stamp_line(void *user, const char *key, const char *text) {
  sbuf *out = user;
  if (!*text)
    return;
  sb_puts(out, "  ");
  out_cell(out, key, 9, true);
  out_text(out, text);
  sb_putc(out, '\n');
}

/* "Stamp" and its lines (render_stamp.c), after a blank line; the keys
 * are the JSON report's, in every language. */
static void stamp_block(const renderer *w, sbuf *out) {
  sb_printf(out, "\n%s\n", render_word(w->lang, W_STAMP));
  stamp_each(w, stamp_line, out);
}

/* ==== the member ======================================================== */

static void text_begin(renderer *w, sbuf *out) {
  text_state *st = w->state;
  POL_UNUSED(out);
  sb_init(&st->first, &w->m);
  cells_init(&st->c, &w->m);
}

/* Nothing is written per vendor: the text comes at the end. */
static void text_chunk(const renderer *w, const report *r, uint32_t i,
                       sbuf *out) {
  POL_UNUSED(w);
  POL_UNUSED(r);
  POL_UNUSED(i);
  POL_UNUSED(out);
}

/* Kept for the end: the matrix's legend, or the block after one
 * vendor's report, lists it in input order. */
static void text_error(renderer *w, const char *from, const char *msg,
                       sbuf *out) {
  text_state *st = w->state;
  POL_UNUSED(out);
  cells_error(&st->c, from, msg);
}

static void text_place(renderer *w, const report *r, uint32_t i,
                       const char *text, size_t len, sbuf *out) {
  text_state *st = w->state;
  POL_UNUSED(text);
  POL_UNUSED(len);
  POL_UNUSED(out);
  if (!cells_keep(&st->c, r, &r->vendors[i]))
    return;
  if (st->c.nv == 1)
    render_single(w, r, i, cells_row(&st->c, w->pol, 0), &st->first);
  else if (st->c.nv == 2) /* a matrix after all */
    sb_free(&st->first);
}

/* One vendor: its per-rule report; several: the matrix; none: the
 * policy's head. The inputs that could not be checked are in the
 * matrix's legend, else in a block of their own, so that a report never
 * looks whole when a vendor is missing from it. */
static void text_end(renderer *w, sbuf *out) {
  text_state *st = w->state;
  text_style t;
  text_style_init(&t, w);
  out->oom |= st->c.oom || st->first.oom;
  if (out->oom) /* a vendor kept in part: the writer fails, no matrix */
    return;
  if (st->c.nv == 1) {
    sb_put(out, st->first.p, st->first.len);
    not_checked_block(out, &t, &st->c.errs);
  } else if (st->c.nv > 1) {
    text_matrix(w, &st->c, out);
  } else {
    text_policy_head(out, &t, w->pol, text_label_width(&t));
    sb_printf(out, "\n%s\n", render_word(t.l, W_NO_VENDORS));
    not_checked_block(out, &t, &st->c.errs);
  }
  stamp_block(w, out);
}

static void text_free(renderer *w) {
  text_state *st = w->state;
  sb_free(&st->first);
  cells_free(&st->c);
}

const render_ops render_text_ops = {"text",     sizeof(text_state),
                                    text_begin, text_chunk,
                                    text_place, text_error,
                                    text_end,   text_free};
