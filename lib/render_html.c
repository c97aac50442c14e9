/*
 * render_html.c: --format html, one self-contained page (render.h): inline
 * CSS and SVG, no script, nothing fetched, for management and for print
 * (A4). Each vendor's section (its rules with values, evidence, what is
 * missing, the questions to send) is written as the vendor comes; the
 * summary (the rules x vendors matrix grouped by severity, each vendor's
 * score and disclosure rate as bars) needs every vendor, so it is written
 * at the end from the verdict cells kept meanwhile (cell_store), and the
 * page's flex order shows it first. The stamp closes the page.
 *
 * Text from policies and fact sets that sits inline with other text (a
 * value after its path, a service beside a file name, a title in a list)
 * is isolated in <bdi>, so that a name or value in a right-to-left
 * script (Arabic, Hebrew) cannot reorder the text around it; text alone
 * in its element needs nothing. An input that could not be checked has
 * a section of its own where its vendor's would be, a row of the scores
 * and a warning at the top of the summary.
 *
 * Every verdict is marked by class for styling and for tests: a matrix
 * cell is <td class="cell v-fail">, a rule row <tr class="rule v-fail">
 * (v-pass, v-fail, v-unknown, v-error, v-skipped; "waived" added when a
 * waiver applies). tests/html_check.py counts them against the JSON.
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "questions.h"
#include "render.h"

#define MATRIX_COLUMNS 12 /* more vendors: one row per vendor instead */
#define BAR_W 160         /* px of a full score bar */

static const char *const vclass[] = {"v-pass", "v-fail", "v-unknown",
                                     "v-error", "v-skipped"};

static const char css[] =
    "body{font-family:'Noto Sans CJK JP','IPAGothic','IPAPGothic',"
    "'Hiragino Sans','Yu Gothic',sans-serif;margin:24px;color:#222;"
    "display:flex;flex-direction:column;line-height:1.45}"
    "header{order:0}#summary{order:1}main{order:2}footer{order:3}"
    "h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:24px 0 8px;"
    "border-bottom:2px solid #888}h3{font-size:1em}"
    /* a table wider than the screen scrolls in its own box, so that its
     * columns keep their widths rather than squeeze to a character */
    ".wide{overflow-x:auto}body>*{min-width:0}" /* flex items may shrink */
    "table{border-collapse:collapse;margin:8px 0;font-size:.85em}"
    "th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top;"
    "text-align:left;overflow-wrap:anywhere}"
    "th{background:#eee}.sev th{background:#ddd;text-align:left}"
    ".matrix th[scope=row]{background:none;font-weight:normal}"
    /* a rule id whole on a screen with room, broken after a '_' on a
     * phone and on paper (Chromium breaks at a <wbr> even in nowrap:
     * the <wbr> is hidden instead) */
    ".by-rule th[scope=row]{overflow-wrap:normal;white-space:nowrap}"
    ".by-rule wbr{display:none}"
    ".by-rule td:first-of-type{min-width:10em}"
    ".by-vendor th[scope=row]{min-width:9em}.by-vendor thead th{"
    "white-space:nowrap;padding:3px 2px}"
    ".by-vendor .cell{padding:3px 2px;min-width:1.2em}"
    ".legend{margin:4px 0;color:#555}"
    /* a long unbreakable value may wrap anywhere, but must not squeeze
     * the verdict, severity and rule to a character a line, nor the
     * values and evidence, what the reader looks for */
    ".rules th,.rules td:nth-child(-n+3){white-space:nowrap}"
    ".rules td:nth-child(4){min-width:10em}"
    ".rules td:nth-child(5){min-width:14em}"
    ".cell{text-align:center;white-space:nowrap}"
    ".v-pass .badge,.cell.v-pass{background:#d8f0d8}"
    ".v-fail .badge,.cell.v-fail{background:#f6cccc}"
    ".v-unknown .badge,.cell.v-unknown{background:#fbeebb}"
    ".v-error .badge,.cell.v-error{background:#e8d0f0}"
    ".v-skipped .badge,.cell.v-skipped{background:#eee;color:#777}"
    ".waived{outline:2px dashed #3a7}.badge{padding:1px 4px;"
    "border-radius:3px;white-space:nowrap}"
    ".w{background:#cfe8dc;margin-left:4px}"
    "blockquote{margin:2px 0 2px 8px;padding-left:6px;border-left:3px "
    "solid #ccc;color:#555}"
    ".questions p{margin:2px 0}.questions .note,.questions .settles{"
    "color:#555;font-size:.9em}"
    ".ok{color:#1a7f37;font-weight:bold}.ng{color:#c62828;"
    "font-weight:bold}.meta{color:#555;margin:0}"
    "code{font-family:monospace}footer{font-size:.8em;color:#555;"
    "margin-top:24px}footer dd{margin-left:8em;overflow-wrap:anywhere}"
    "footer dt{float:left;width:7em}"
    ".not-checked h2{color:#c62828}"
    /* a phone: each rule a block of its own, verdict, severity and id
     * on its first line, rather than five columns 70 px wide */
    "@media screen and (max-width:600px){body{margin:12px}"
    ".by-rule th[scope=row]{white-space:normal}.by-rule wbr{display:inline}"
    ".rules thead{display:none}.rules,.rules tbody,.rules tr,.rules td{"
    "display:block}.rules tr{border:1px solid #bbb;margin:0 0 8px}"
    ".rules td{border:0;min-width:0!important}"
    ".rules td:nth-child(-n+3){display:inline-block}}"
    "@media print{@page{size:A4;margin:12mm}body{margin:0}"
    ".wide{overflow:visible}.by-rule th[scope=row]{white-space:normal}"
    ".by-rule wbr{display:inline}"
    ".by-vendor{font-size:.6em}"
    ".by-vendor .cell,.by-vendor thead th{padding:2px 1px}"
    "tr,li{break-inside:avoid}h2,h3{break-after:avoid}section.vendor,section.not-checked{"
    "break-before:page}}";

static void x(sbuf *b, const char *s) { out_xml(b, s); }

static void tag_text(sbuf *b, const char *open, const char *s,
                     const char *close) {
  sb_puts(b, open);
  x(b, s);
  sb_puts(b, close);
}

/* [s] isolated from the text around it (its direction its own). */
static void bdi(sbuf *b, const char *s) { tag_text(b, "<bdi>", s, "</bdi>"); }

/* [s] as code, isolated likewise. */
static void bdi_code(sbuf *b, const char *s) {
  tag_text(b, "<bdi><code>", s, "</code></bdi>");
}

static void html_begin(renderer *w, sbuf *b) {
  const policy *p = w->pol;
  cells_init(w->state, &w->m);
  sb_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
               "<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" "
               "content=\"width=device-width,initial-scale=1\">\n",
            w->lang == LANG_JA ? "ja" : "en");
  tag_text(b, "<title>", p->title ? p->title : p->name, "</title>\n");
  sb_printf(b, "<style>%s</style>\n</head>\n<body>\n<header>\n", css);
  tag_text(b, "<h1>", p->title ? p->title : p->name, "</h1>\n");
  sb_puts(b, "<p class=\"meta\">");
  bdi(b, p->name);
  if (p->version) {
    sb_printf(b, " · %s ", render_word(w->lang, W_VERSION));
    bdi(b, p->version);
  }
  if (p->file) {
    sb_puts(b, " · ");
    bdi(b, p->file);
  }
  sb_puts(b, "</p>\n</header>\n<main>\n");
}

/* ==== one vendor ========================================================= */

static void badge(sbuf *b, lang l, const rule_result *rr) {
  sb_printf(b, "<span class=\"badge\">%s</span>", render_verdict(l, rr->v));
  if (rr->waiver)
    sb_printf(b, "<span class=\"badge w\">%s</span>",
              render_word(l, rr->waiver_expired ? W_EXPIRED : W_WAIVED));
}

static void facts(const report *r, const vendor_result *vr, uint32_t i,
                  lang l, sbuf *b) {
  uint32_t n;
  sbuf v;
  sb_init(&v, &b->m);
  fact_ref *f = report_refs(r, vr, i, false, &n);
  for (uint32_t k = 0; k < n; k++) {
    if (!render_resolve(r, vr, &f[k], b))
      continue;
    v.len = 0;
    if (f[k].kind != FR_ABSENT)
      val_print(&v, report_value(&f[k]));
    sb_putc(&v, '\0');
    sb_puts(b, "<div>");
    bdi_code(b, f[k].path);
    if (f[k].kind == FR_ABSENT) { /* a presence test found nothing: */
      sb_printf(b, ": %s", render_word(l, W_NOT_PRESENT)); /* not "= " */
    } else {
      sb_puts(b, " = ");
      bdi_code(b, v.p);
    }
    sb_puts(b, "</div>");
    if (f[k].evidence) {
      sb_puts(b, "<blockquote>");
      out_xml_span(b, f[k].evidence->data, f[k].evidence->len);
      sb_puts(b, "</blockquote>");
    }
  }
  f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], b)) {
      sb_printf(b, "<div>%s: ", render_word(l, W_MISSING));
      bdi_code(b, f[k].path);
      sb_printf(b, " (%s)</div>", render_word(l, f[k].withheld
                                                     ? W_WITHHELD
                                                     : W_NOT_DISCLOSED));
      if (f[k].evidence) { /* where the vendor declined */
        sb_puts(b, "<blockquote>");
        out_xml_span(b, f[k].evidence->data, f[k].evidence->len);
        sb_puts(b, "</blockquote>");
      }
    }
  b->oom |= v.oom;
  sb_free(&v);
}

/* The notes of a rule: why it was skipped, its error or message, its
 * residual, its waiver. */
static void notes(const report *r, const vendor_result *vr, uint32_t i,
                  lang l, sbuf *b) {
  const rule_result *rr = &vr->rules[i];
  const char *when = render_skipped(r, vr, i, b);
  if (when) {
    sb_printf(b, "<div>%s ", render_word(l, W_SKIPPED_WHEN));
    bdi_code(b, when);
    sb_printf(b, " %s</div>", render_word(l, W_IS_FALSE));
  }
  const char *m = rr->reason ? rr->reason : report_message(r, vr, i);
  if (m)
    tag_text(b, "<div>", m, "</div>");
  const rule_unknown *u = render_unknown(r, vr, i, b);
  if (u && !u->r.passes_if && u->r.applies_if && u->r.if_applies >= 0) {
    /* require decided, `when` not: "passes if WHEN" would read as "fails
     * otherwise", when otherwise it does not apply (as the text says) */
    sb_printf(b, "<div class=\"residual\">%s ", render_word(l, W_APPLIES_IF));
    bdi_code(b, u->r.applies_if);
    sb_printf(b, "</div><div>%s: %s</div>", render_word(l, W_IF_IT_APPLIES),
              render_verdict(l, (verdict)u->r.if_applies));
  } else if (u && u->r.passes) {
    sb_printf(b, "<div class=\"residual\">%s ", render_word(l, W_RESIDUAL));
    bdi_code(b, u->r.passes);
    sb_puts(b, "</div>");
  }
  if (rr->waiver) {
    sb_printf(b, "<div>%s: ", render_word(l, rr->waiver_expired ? W_EXPIRED
                                                                : W_WAIVED));
    bdi(b, rr->waiver->justification);
    sb_puts(b, " (");
    bdi(b, rr->waiver->owner);
    if (rr->waiver->ticket) {
      sb_puts(b, ", ");
      bdi(b, rr->waiver->ticket);
    }
    if (rr->waiver->expires)
      sb_printf(b, ", %s %s", render_word(l, W_EXPIRES),
                rr->waiver->expires);
    sb_puts(b, ")</div>");
  }
}

static void rule_row(const renderer *w, const report *r,
                     const vendor_result *vr, uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  sb_printf(b, "<tr class=\"rule %s%s\"><td>", vclass[rr->v],
            rule_waived(rr) ? " waived" : "");
  badge(b, w->lang, rr);
  sb_printf(b, "</td><td>%s</td>", render_severity(w->lang, ru->sev));
  tag_text(b, "<td><code>", ru->id, "</code></td>");
  tag_text(b, "<td>", ru->title, "</td><td>");
  facts(r, vr, i, w->lang, b);
  notes(r, vr, i, w->lang, b);
  sb_puts(b, "</td></tr>\n");
}

/* The questions to send the vendor (questions.c, as --questions lists
 * them): one per decisive fact, asked once, by the most severe rule that
 * needs it, each with the requirements it settles; a withheld fact as a
 * request to reconsider. */
static void question_item(const renderer *w, const question *q, sbuf *b) {
  const policy *p = w->pol;
  lang l = w->lang;
  sb_printf(b, "<li class=\"question%s\"><p>", q->withheld ? " withheld" : "");
  x(b, q->text);
  sb_puts(b, "</p>");
  if (q->note)
    tag_text(b, "<p class=\"note\">", q->note, "</p>");
  sb_printf(b, "<p class=\"settles\">%s:", render_word(l, W_SETTLES));
  for (uint32_t k = 0; k < q->nrules; k++) {
    const rule *ru = &p->rules[q->rules[k]];
    sb_printf(b, "%s[%s] ", k ? "; " : " ", questions_severity(ru->sev, l));
    bdi(b, questions_rule_name(ru, l));
  }
  sb_puts(b, "</p></li>\n");
}

static void questions(const renderer *w, const report *r,
                      const vendor_result *vr, sbuf *b) {
  arena a;
  qlist ql;
  arena_init(&a, 0, &r->a.m);
  if (!questions_build(r, vr, w->lang, &a, &ql)) {
    b->oom = true;
  } else if (ql.n) {
    sb_printf(b, "<h3>%s</h3>\n<ol class=\"questions\">\n",
              render_word(w->lang, W_QUESTIONS));
    for (uint32_t i = 0; i < ql.n; i++)
      question_item(w, &ql.q[i], b);
    sb_puts(b, "</ol>\n");
  }
  arena_free(&a);
}

static void vendor_head(const renderer *w, const vendor_result *vr,
                        sbuf *b) {
  sbuf doc;
  sb_init(&doc, &w->m);
  render_document(&doc, w->lang, vr);
  tag_text(b, "<h2>", vr->name, "</h2>\n<p class=\"meta\">");
  if (vr->service)
    tag_text(b, "<bdi>", vr->service, "</bdi> · ");
  if (doc.len) { /* the document's title isolated from our words */
    size_t n = vr->document ? strlen(vr->document) : 0;
    if (n)
      bdi(b, vr->document);
    tag_text(b, "", doc.p + n, " · ");
  }
  bdi(b, vr->source);
  sb_printf(b, "</p>\n<p class=\"%s\">%s</p>\n", vr->compliant ? "ok" : "ng",
            render_word(w->lang, vr->compliant ? W_COMPLIANT
                                               : W_NOT_COMPLIANT));
  b->oom |= doc.oom;
  sb_free(&doc);
}

static void html_chunk(const renderer *w, const report *r, uint32_t j,
                       sbuf *b) {
  const vendor_result *vr = &r->vendors[j];
  lang l = w->lang;
  vendor_head(w, vr, b);
  sb_printf(b, "<div class=\"wide\"><table class=\"rules\"><thead><tr>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
            render_word(l, W_VERDICT), render_word(l, W_SEVERITY),
            render_word(l, W_RULE), render_word(l, W_TITLE),
            render_word(l, W_FACTS));
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    rule_row(w, r, vr, i, b);
  sb_puts(b, "</tbody></table></div>\n");
  questions(w, r, vr, b);
}

/* The section's element, numbered in input order, around the chunk. */
static void html_place(renderer *w, const report *r, uint32_t i,
                       const char *text, size_t len, sbuf *b) {
  cells_keep(w->state, r, &r->vendors[i]);
  sb_printf(b, "<section class=\"vendor\" id=\"vendor-%llu\">\n",
            (unsigned long long)w->nvendors + 1);
  sb_put(b, text, len);
  sb_puts(b, "</section>\n");
}

/* An input that could not be checked: a section where its vendor's
 * would be, saying so, why and where (the message names the place),
 * numbered in input order among such inputs. */
static void html_error(renderer *w, const char *from, const char *msg,
                       sbuf *b) {
  lang l = w->lang;
  cells_error(w->state, from, msg);
  sb_printf(b, "<section class=\"not-checked\" id=\"not-checked-%llu\">\n"
               "<h2>%s: ",
            (unsigned long long)w->nerrors + 1,
            render_word(l, W_NOT_CHECKED_HEAD));
  bdi(b, from);
  sb_printf(b, "</h2>\n<p class=\"ng\">%s</p>\n<p>%s</p>\n<p>%s: ",
            render_word(l, W_NOT_CHECKED), render_word(l, W_NOT_CHECKED_WHY),
            render_word(l, W_ERROR_TEXT));
  bdi_code(b, msg);
  sb_puts(b, "</p>\n</section>\n");
}

/* ==== the summary ======================================================== */

/* A cell of rules as rows: the verdict as a word. */
static void cell(sbuf *b, lang l, uint8_t c) {
  verdict v = (verdict)(c & CELL_VERDICT);
  sb_printf(b, "<td class=\"cell %s%s\">%s", vclass[v],
            (c & CELL_WAIVED) ? " waived" : "", render_verdict(l, v));
  if (c & CELL_WAIVED) /* a word, not a mark the page never explains */
    sb_printf(b, " (%s)", render_word(l, W_WAIVED));
  sb_puts(b, "</td>");
}

/* A narrow cell of vendors as rows: a column per rule, so the verdict
 * is a mark (the legend above says which), distinct in shape so that
 * it reads without its colour (a greyscale print); the rule and the
 * word are its tooltip. 40 words ("UNKNOWN") a row neither fit a screen
 * nor an A4 page. */
static const char *const vmark[] = {"\u25CB", "\u00D7", "?", "!",
                                    "\u2013"};
#define WAIVED_MARK "*"

static void mark_cell(sbuf *b, lang l, uint8_t c, const char *rule_id) {
  verdict v = (verdict)(c & CELL_VERDICT);
  bool waived = c & CELL_WAIVED;
  sb_printf(b, "<td class=\"cell %s%s\" title=\"", vclass[v],
            waived ? " waived" : "");
  x(b, rule_id);
  sb_printf(b, ": %s%s%s%s\">%s%s</td>", render_verdict(l, v),
            waived ? " (" : "", waived ? render_word(l, W_WAIVED) : "",
            waived ? ")" : "", vmark[v], waived ? WAIVED_MARK : "");
}

/* What the marks stand for, in the report's words. */
static void mark_legend(sbuf *b, lang l) {
  sb_puts(b, "<p class=\"legend\">");
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(b, "%s%s %s", v ? " \u00B7 " : "", vmark[v],
              render_verdict(l, (verdict)v));
  sb_printf(b, " \u00B7 %s %s</p>\n", WAIVED_MARK, render_word(l, W_WAIVED));
}

/* The rules the numbered columns stand for: a tooltip does not print. */
static void rule_key(const renderer *w, sbuf *b) {
  const policy *p = w->pol;
  sb_printf(b, "<h3>%s</h3>\n<ol class=\"key\">\n",
            render_word(w->lang, W_RULES));
  for (uint32_t i = 0; i < p->nrules; i++) {
    const rule *ru = &p->rules[i];
    sb_puts(b, "<li>");
    bdi_code(b, ru->id);
    sb_printf(b, " [%s]", render_severity(w->lang, ru->sev));
    if (ru->title && strcmp(ru->title, ru->id) != 0) {
      sb_puts(b, " ");
      bdi(b, ru->title);
    }
    sb_puts(b, "</li>\n");
    render_spill(w, b);
  }
  sb_puts(b, "</ol>\n");
}

static bool severity_used(const policy *p, severity s) {
  for (uint32_t i = 0; i < p->nrules; i++)
    if (p->rules[i].sev == s)
      return true;
  return false;
}

/* Rule id [id] with a line-break opportunity after each '_': a long
 * id wraps between its words when the page is narrow (a phone, A4),
 * rather than take the titles' room or break inside a word. */
static void id_breakable(sbuf *b, const char *id) {
  for (const char *u; (u = strchr(id, '_')) != NULL; id = u + 1) {
    out_xml_span(b, id, (size_t)(u - id) + 1);
    sb_puts(b, "<wbr>");
  }
  x(b, id);
}

/* Rules as rows, vendors as columns, grouped by severity. */
static void matrix_rules(const renderer *w, const cell_store *c, sbuf *b) {
  const policy *p = w->pol;
  sb_printf(b, "<div class=\"wide\"><table class=\"matrix by-rule\"><thead>"
               "<tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
            render_word(w->lang, W_RULE), render_word(w->lang, W_TITLE));
  for (size_t j = 0; j < c->nv; j++)
    tag_text(b, "<th scope=\"col\">", c->v[j].name, "</th>");
  sb_puts(b, "</tr></thead>\n");
  for (int s = SEV_MUST; s <= SEV_MAY; s++) {
    if (!severity_used(p, (severity)s))
      continue; /* a heading over no rules reads as rules left out */
    sb_printf(b, "<tbody><tr class=\"sev\"><th colspan=\"%zu\" "
                 "scope=\"rowgroup\">%s</th></tr>\n",
              c->nv + 2, render_severity(w->lang, (severity)s));
    for (uint32_t i = 0; i < p->nrules; i++) {
      if (p->rules[i].sev != (severity)s)
        continue;
      sb_puts(b, "<tr><th scope=\"row\"><code>");
      id_breakable(b, p->rules[i].id);
      sb_puts(b, "</code></th>");
      tag_text(b, "<td>", p->rules[i].title, "</td>");
      for (size_t j = 0; j < c->nv; j++)
        cell(b, w->lang, cells_row(c, p, j)[i]);
      sb_puts(b, "</tr>\n");
      render_spill(w, b);
    }
    sb_puts(b, "</tbody>\n");
  }
  sb_puts(b, "</table></div>\n");
}

/* Vendors as rows, one narrow cell per rule (a mark, the legend
 * first, the key of the numbered rules after). */
static void matrix_vendors(const renderer *w, const cell_store *c,
                           sbuf *b) {
  const policy *p = w->pol;
  mark_legend(b, w->lang);
  sb_printf(b, "<div class=\"wide\"><table class=\"matrix by-vendor\">"
               "<thead><tr><th scope=\"col\">%s</th>",
            render_word(w->lang, W_VENDOR));
  for (uint32_t i = 0; i < p->nrules; i++) {
    sb_puts(b, "<th scope=\"col\" title=\"");
    x(b, p->rules[i].id);
    sb_printf(b, "\">%u</th>", i + 1);
  }
  sb_puts(b, "</tr></thead><tbody>\n");
  for (size_t j = 0; j < c->nv; j++) {
    tag_text(b, "<tr><th scope=\"row\">", c->v[j].name, "</th>");
    for (uint32_t i = 0; i < p->nrules; i++)
      mark_cell(b, w->lang, cells_row(c, p, j)[i], p->rules[i].id);
    sb_puts(b, "</tr>\n");
    render_spill(w, b);
  }
  sb_puts(b, "</tbody></table></div>\n");
  rule_key(w, b);
}

/* A bar of [pct] per cent (an inline SVG), and the number. */
static void bar(sbuf *b, int pct) {
  if (pct < 0) {
    sb_puts(b, "<td>-</td>");
    return;
  }
  sb_printf(b, "<td><svg width=\"%d\" height=\"12\" role=\"img\">"
               "<rect width=\"%d\" height=\"12\" fill=\"#eee\"/>"
               "<rect width=\"%d\" height=\"12\" fill=\"#4a8\"/></svg> %d%%"
               "</td>",
            BAR_W, BAR_W, BAR_W * pct / 100, pct);
}

/* The scores' row of input error [k] (from 0), linking its section. */
static void error_row(const renderer *w, const input_error *e, size_t k,
                      sbuf *b) {
  sb_printf(b, "<tr class=\"not-checked\"><td><a href=\"#not-checked-%zu\">",
            k + 1);
  x(b, e->source);
  sb_printf(b, "</a></td><td class=\"ng\">%s</td><td>-</td><td>-</td>"
               "</tr>\n", render_word(w->lang, W_NOT_CHECKED));
}

/* The scores' row of vendor [v], the [j]th (from 0). */
static void score_row(const renderer *w, const cell_vendor *v, size_t j,
                      sbuf *b) {
  sb_printf(b, "<tr><td><a href=\"#vendor-%zu\">", j + 1);
  x(b, v->name);
  sb_printf(b, "</a></td><td class=\"%s\">%s</td>",
            v->compliant ? "ok" : "ng",
            render_word(w->lang, v->compliant ? W_YES : W_NO));
  bar(b, cells_score(v));
  bar(b, cells_disclosure(v));
  sb_puts(b, "</tr>\n");
}

/* A row per vendor and per input not checked, in input order. */
static void scores(const renderer *w, const cell_store *c, sbuf *b) {
  lang l = w->lang;
  size_t e = 0;
  sb_printf(b, "<div class=\"wide\"><table class=\"scores\"><thead><tr>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr>"
               "</thead><tbody>\n",
            render_word(l, W_VENDOR), render_word(l, W_COMPLIANT_COL),
            render_word(l, W_SCORE), render_word(l, W_DISCLOSURE));
  for (size_t j = 0; j <= c->nv; j++) {
    for (; e < c->errs.n && c->errs.e[e].at <= j; e++)
      error_row(w, &c->errs.e[e], e, b);
    if (j < c->nv)
      score_row(w, &c->v[j], j, b);
    render_spill(w, b);
  }
  sb_puts(b, "</tbody></table></div>\n");
}

static void stamp_item(void *user, const char *key, const char *text) {
  sbuf *b = user;
  if (!*text)
    return;
  tag_text(b, "<dt>", key, "</dt>");
  tag_text(b, "<dd><code>", text, "</code></dd>\n");
}

static void html_end(renderer *w, sbuf *b) {
  const cell_store *c = w->state;
  lang l = w->lang;
  b->oom |= c->oom;
  sb_printf(b, "</main>\n<section id=\"summary\">\n<h2>%s</h2>\n",
            render_word(l, W_MATRIX));
  if (c->errs.total) { /* at the top of the page: no reader misses it */
    sb_puts(b, "<p class=\"ng not-checked-count\">");
    render_word_count(b, l, W_NOT_CHECKED_COUNT, c->errs.total);
    sb_puts(b, "</p>\n");
  }
  if (c->nv == 0)
    sb_printf(b, "<p>%s</p>\n", render_word(l, W_NO_VENDORS));
  else if (w->matrix == MATRIX_VENDORS ||
           (w->matrix == MATRIX_AUTO && c->nv > MATRIX_COLUMNS))
    matrix_vendors(w, c, b);
  else
    matrix_rules(w, c, b);
  if (c->nv || c->errs.n)
    scores(w, c, b);
  if (c->errs.total > c->errs.n) {
    sb_puts(b, "<p class=\"not-checked-more\">");
    render_word_count(b, l, W_NOT_CHECKED_MORE, c->errs.total - c->errs.n);
    sb_puts(b, "</p>\n");
  }
  sb_printf(b, "</section>\n<footer id=\"stamp\">\n<h2>%s</h2>\n<dl>\n",
            render_word(l, W_STAMP));
  stamp_each(w, stamp_item, b);
  sb_puts(b, "</dl>\n</footer>\n</body>\n</html>\n");
}

static void html_free(renderer *w) { cells_free(w->state); }

const render_ops render_html_ops = {"html",     sizeof(cell_store),
                                    html_begin, html_chunk,
                                    html_place, html_error,
                                    html_end,   html_free};
