/*
 * render_questions_csv.c: --format questions-csv, the question list as
 * CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line break, quotes doubled), to paste
 * into a vendor's questionnaire or a spreadsheet (render.h;
 * docs/report-format.md). A header row in the list's language, then one
 * row per question, vendor after vendor as they are checked. The text
 * is UTF-8 with a byte-order mark, as --format csv: without one, Excel
 * on a Japanese Windows reads the file as Shift_JIS, and every question
 * is mojibake. An input that could not be
 * checked is a row with no vendor and no number: the question column
 * says that nothing was asked and why, the note the error.
 *
 * A spreadsheet runs a cell that starts with = + - or @ as a formula, and
 * vendor text reaches these cells (names, citations): such a cell gets a
 * leading ' so it stays text. Control characters other than the line
 * breaks of a question show as U+FFFD, as in every text format.
 */
#include <string.h>

#include "out.h"
#include "questions.h"
#include "render.h"

static const char *const header_ja[] = {
    "事業者", "番号", "重要度", "質問", "補足", "対象要件",
    "事実", "非開示", "根拠", "ファイル"};
static const char *const header_en[] = {
    "vendor", "number", "severity", "question", "note", "requirements",
    "fact", "withheld", "evidence", "source"};

static void field(sbuf *b, const char *s, size_t n, bool first) {
  out_csv_field(b, s, n, first);
}

static void fieldz(sbuf *b, const char *s, bool first) {
  field(b, s, s ? strlen(s) : 0, first);
}

static void qcsv_begin(renderer *w, sbuf *b) {
  const char *const *h = w->lang == LANG_EN ? header_en
                                                             : header_ja;
  sb_puts(b, "\xef\xbb\xbf"); /* the byte-order mark */
  for (size_t i = 0; i < POL_COUNTOF(header_ja); i++)
    fieldz(b, h[i], i == 0);
  sb_puts(b, "\r\n");
}

/* "[必須] title" per requirement, one a line. */
static void requirements(sbuf *b, const policy *p, const question *q,
                         lang l) {
  sbuf t;
  sb_init(&t, &b->m);
  for (uint32_t k = 0; k < q->nrules; k++) {
    const rule *ru = &p->rules[q->rules[k]];
    sb_printf(&t, "%s[%s] %s", k ? "\n" : "", questions_severity(ru->sev, l),
              questions_rule_name(ru, l));
  }
  field(b, t.p, t.len, false);
  b->oom |= t.oom;
  sb_free(&t);
}

/* The facts a question asks about, one a line, as the requirements. */
static void facts(sbuf *b, const question *q) {
  if (q->nfacts == 1) {
    fieldz(b, q->fact, false);
    return;
  }
  sbuf t;
  sb_init(&t, &b->m);
  for (uint32_t k = 0; k < q->nfacts; k++)
    sb_printf(&t, "%s%s", k ? "\n" : "", q->facts[k]);
  field(b, t.p, t.len, false);
  b->oom |= t.oom;
  sb_free(&t);
}

static void row(sbuf *b, const report *r, const vendor_result *vr,
                const question *q, uint32_t num, lang l) {
  fieldz(b, vr->name, true);
  sb_printf(b, ",%u", num);
  fieldz(b, questions_severity(q->sev, l), false);
  fieldz(b, q->text, false);
  fieldz(b, q->note, false);
  requirements(b, r->pol, q, l);
  facts(b, q);
  fieldz(b, q->withheld ? "true" : "false", false);
  field(b, q->evidence ? q->evidence->data : NULL,
        q->evidence ? q->evidence->len : 0, false);
  fieldz(b, vr->source, false);
  sb_puts(b, "\r\n");
}

static void qcsv_chunk(const renderer *w, const report *r, uint32_t j,
                       sbuf *b) {
  lang l = w->lang;
  arena a;
  qlist ql;
  arena_init(&a, 0, &r->a.m);
  if (!questions_build(r, &r->vendors[j], l, &a, &ql))
    b->oom = true;
  else
    for (uint32_t i = 0; i < ql.n; i++)
      row(b, r, &r->vendors[j], &ql.q[i], i + 1, l);
  arena_free(&a);
}

static void qcsv_error(renderer *w, const char *from, const char *msg,
                       sbuf *b) {
  fieldz(b, NULL, true);
  sb_putc(b, ',');
  fieldz(b, NULL, false);
  fieldz(b, render_word(w->lang, W_NOT_CHECKED_WHY), false);
  fieldz(b, msg, false);
  for (int c = 0; c < 4; c++) /* requirements, fact, withheld, evidence */
    fieldz(b, NULL, false);
  fieldz(b, from, false);
  sb_puts(b, "\r\n");
}

static void qcsv_nothing(renderer *w, sbuf *b) {
  POL_UNUSED(w);
  POL_UNUSED(b);
}

const render_ops render_questions_csv_ops = {
    "questions-csv",    0,          qcsv_begin,   qcsv_chunk,
    render_place_as_is, qcsv_error, qcsv_nothing, NULL};
