/*
 * report_fmt.c: renders a report (report.h) for people and programs: the
 * per-rule text report of one vendor, the rules x vendors matrix of
 * several, JSON, and the questions to send back for what vendors did not
 * disclose. docs/report-format.md describes every format; keep the two in
 * step. Text is laid out by display width (utf8_cp_width: East Asian wide
 * characters take two columns), never by bytes or code points, so
 * Japanese titles line up. Every piece of policy or vendor text goes
 * through one sanitiser (next_glyph), so a fact set cannot put control
 * characters or escape sequences on the reader's terminal; the only
 * escape bytes in the output are the ANSI SGR colours of REPORT_COLOR.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "report.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */
#define GAP 2                   /* columns between table cells */
#define VERDICT_W 7             /* "UNKNOWN", "SKIPPED" */
#define SEV_W 6                 /* "should" */
#define DETAIL_COL (VERDICT_W + GAP + SEV_W + GAP)
#define LABEL_W 13              /* "Policy file  " */
#define ID_MAX 28               /* widest id column before truncation */
#define MATRIX_W 120            /* the matrix aims to fit this width */
#define TITLE_MIN 16            /* narrowest title column of the matrix */
#define TITLE_WANT 30           /* vendor columns narrow to give titles this */
#define VENDOR_MAX 14           /* widest vendor column of the matrix */
#define WRAP_W 100              /* id lists wrap before this column */

/* ==== display text ====================================================== */

/* One code point as shown: its UTF-8 bytes and its display width. */
typedef struct glyph {
  char bytes[4];
  int n, width;
} glyph;

static const char *nz(const char *s) { return s ? s : ""; }

/* Whether [cp] must not reach a terminal: C0 and C1 controls, DEL, and the
 * bidirectional overrides and isolates that make text read differently
 * from what it is. */
static bool unsafe_cp(int32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The glyph at [s][*i] ([n] bytes in all), advancing *[i]. A tab shows as
 * a space; an invalid byte or an unsafe code point as U+FFFD. */
static glyph next_glyph(const char *s, size_t n, size_t *i) {
  glyph g;
  int32_t cp = utf8_decode(s, n, i);
  if (cp < 0)
    (*i)++;
  if (cp == '\t')
    cp = ' ';
  else if (cp < 0 || unsafe_cp(cp))
    cp = 0xFFFD;
  g.n = utf8_encode((uint32_t)cp, g.bytes);
  g.width = utf8_cp_width((uint32_t)cp);
  return g;
}

/* Display width of [s]/[n] as put_span shows it. */
static size_t span_width(const char *s, size_t n) {
  size_t i = 0, w = 0;
  while (i < n)
    w += (size_t)next_glyph(s, n, &i).width;
  return w;
}

static size_t text_width(const char *s) { return span_width(s, strlen(s)); }

static void spaces(sbuf *out, size_t n) {
  for (; n > 0; n--)
    sb_putc(out, ' ');
}

/* Put [s]/[n] sanitised in a cell of [width] columns: when wider, cut to
 * width - 1 columns and end with an ellipsis (a wide character that does
 * not fit leaves a one-column gap); with [pad], fill with spaces to
 * [width]. Returns the columns written before the padding. */
static size_t put_span(sbuf *out, const char *s, size_t n, size_t width,
                       bool pad) {
  bool cut = span_width(s, n) > width;
  size_t room = cut && width > 0 ? width - 1 : width, w = 0, i = 0;
  while (i < n) {
    glyph g = next_glyph(s, n, &i);
    if (w + (size_t)g.width > room)
      break;
    sb_put(out, g.bytes, (size_t)g.n);
    w += (size_t)g.width;
  }
  if (cut && width > 0) {
    sb_puts(out, ELLIPSIS);
    w++;
  }
  if (pad && w < width)
    spaces(out, width - w);
  return w;
}

static size_t put_cell(sbuf *out, const char *s, size_t width, bool pad) {
  return put_span(out, nz(s), strlen(nz(s)), width, pad);
}

/* Put [s] whole, sanitised (a line break shows as U+FFFD). */
static void put_text(sbuf *out, const char *s) {
  put_cell(out, s, SIZE_MAX, false);
}

/* Put the lines of [s]; each line after the first starts at column
 * [indent], so a multi-line message stays inside its block. */
static void put_para(sbuf *out, const char *s, size_t indent) {
  const char *nl;
  s = nz(s);
  while ((nl = strchr(s, '\n')) != NULL) {
    put_span(out, s, (size_t)(nl - s), SIZE_MAX, false);
    sb_putc(out, '\n');
    spaces(out, indent);
    s = nl + 1;
  }
  put_text(out, s);
}

/* ==== colour ============================================================ */

static const char *const verdict_sgr[] = {"32", "31", "33", "35", "2"};
enum { SGR_GREEN = 0, SGR_RED = 1 }; /* indexes of verdict_sgr */

/* Put [s] in a [width]-column cell, in SGR colour [sgr] when [flags] has
 * REPORT_COLOR. The padding stays outside the colour. */
static void put_colored(sbuf *out, const char *s, int sgr, size_t width,
                        bool pad, int flags) {
  if (flags & REPORT_COLOR)
    sb_printf(out, "\033[%sm", verdict_sgr[sgr]);
  size_t w = put_cell(out, s, width, false);
  if (flags & REPORT_COLOR)
    sb_puts(out, "\033[0m");
  if (pad && w < width)
    spaces(out, width - w);
}

static void put_verdict(sbuf *out, verdict v, size_t width, bool pad,
                        int flags) {
  put_colored(out, verdict_name(v), (int)v, width, pad, flags);
}

/* [yes] in green or [no] in red, padded to [width] (0: not padded). */
static void put_compliant(sbuf *out, bool ok, const char *yes,
                          const char *no, size_t width, int flags) {
  const char *s = ok ? yes : no;
  put_colored(out, s, ok ? SGR_GREEN : SGR_RED, SIZE_MAX, false, flags);
  if (width > text_width(s))
    spaces(out, width - text_width(s));
}

/* ==== shared pieces ===================================================== */

static const char *unknown_mode_name(unknown_mode m) {
  return m == UNKNOWN_WARN ? "warn" : m == UNKNOWN_IGNORE ? "ignore" : "fail";
}

/* What [m] does to an UNKNOWN must-rule, as a sentence's predicate. */
static const char *unknown_mode_effect(unknown_mode m) {
  return m == UNKNOWN_WARN     ? "are warnings: compliance ignores them"
         : m == UNKNOWN_IGNORE ? "are ignored"
                               : "count against compliance";
}

/* Whether rule [i] is a must-rule that ended in [v] for [vr]. */
static bool must_is(const policy *p, const vendor_result *vr, uint32_t i,
                    verdict v) {
  return p->rules[i].sev == SEV_MUST && vr->rules[i].v == v;
}

static uint32_t must_count(const policy *p, const vendor_result *vr,
                           verdict v) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->nrules; i++)
    n += must_is(p, vr, i, v);
  return n;
}

/* Put the ids of the must-rules of [vr] that ended in [v], separated by
 * ", ", the cursor being at column [col]; a line that would pass WRAP_W
 * goes on at column 4. Returns the column the cursor ends at. */
static size_t put_must_ids(sbuf *out, const policy *p,
                           const vendor_result *vr, verdict v, size_t col) {
  bool first = true;
  for (uint32_t i = 0; i < p->nrules; i++) {
    if (!must_is(p, vr, i, v))
      continue;
    size_t w = text_width(p->rules[i].id);
    if (!first)
      sb_putc(out, ',');
    if (!first && col + 2 + w > WRAP_W) {
      sb_puts(out, "\n    ");
      col = 4;
    } else if (!first) {
      sb_putc(out, ' ');
      col += 2;
    }
    put_text(out, p->rules[i].id);
    col += w;
    first = false;
  }
  return col;
}

/* Put "[label]ids\n" for the must-rules of [vr] that ended in [v], or
 * nothing when there are none. */
static void must_line(sbuf *out, const policy *p, const vendor_result *vr,
                      verdict v, const char *label) {
  if (!must_count(p, vr, v))
    return;
  sb_puts(out, label);
  put_must_ids(out, p, vr, v, text_width(label));
  sb_putc(out, '\n');
}

/* "Policy       title (name, version V)" and "Policy file  file". */
static void policy_header(const policy *p, sbuf *out) {
  sbuf t;
  sb_init(&t);
  sb_puts(&t, p->title ? p->title : nz(p->name));
  if (p->title || p->version)
    sb_puts(&t, " (");
  if (p->title)
    sb_puts(&t, nz(p->name));
  if (p->title && p->version)
    sb_puts(&t, ", ");
  if (p->version)
    sb_printf(&t, "version %s", p->version);
  if (p->title || p->version)
    sb_putc(&t, ')');
  put_cell(out, "Policy", LABEL_W, true);
  put_text(out, t.p);
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
  if (p->file) {
    put_cell(out, "Policy file", LABEL_W, true);
    put_text(out, p->file);
    sb_putc(out, '\n');
  }
}

/* ==== one vendor: per-rule text ========================================= */

static void label_line(sbuf *out, const char *label, const char *text) {
  if (!text || !*text)
    return;
  put_cell(out, label, LABEL_W, true);
  put_text(out, text);
  sb_putc(out, '\n');
}

/* "document (version V, date)", whichever parts there are. */
static void document_text(const vendor_result *vr, sbuf *t) {
  sb_puts(t, nz(vr->document));
  if (!vr->version && !vr->date)
    return;
  sb_puts(t, vr->document ? " (" : "(");
  if (vr->version)
    sb_printf(t, "version %s", vr->version);
  if (vr->version && vr->date)
    sb_puts(t, ", ");
  sb_puts(t, nz(vr->date));
  sb_putc(t, ')');
}

static void vendor_header(const vendor_result *vr, sbuf *out) {
  sbuf t;
  sb_init(&t);
  document_text(vr, &t);
  label_line(out, "Vendor", vr->name);
  label_line(out, "Service", vr->service);
  label_line(out, "Document", t.p);
  label_line(out, "Source", vr->source);
  out->oom |= t.oom;
  sb_free(&t);
}

/* Width of the id column: the widest id, at least [min], at most ID_MAX. */
static size_t id_width(const policy *p, size_t min) {
  size_t w = min;
  for (uint32_t i = 0; i < p->nrules; i++) {
    size_t iw = text_width(p->rules[i].id);
    w = iw > w ? iw : w;
  }
  return w < ID_MAX ? w : ID_MAX;
}

/* Start a detail line: the indent, then [label]. */
static void detail(sbuf *out, size_t extra, const char *label) {
  spaces(out, DETAIL_COL + extra);
  sb_puts(out, label);
}

static void evidence_line(sbuf *out, const char *evidence) {
  if (!evidence)
    return;
  detail(out, 2, "evidence: ");
  put_para(out, evidence, DETAIL_COL + 12);
  sb_putc(out, '\n');
}

static void refs_line(sbuf *out, const rule *ru) {
  if (!ru->nrefs)
    return;
  detail(out, 0, "refs: ");
  for (uint32_t i = 0; i < ru->nrefs; i++) {
    sb_puts(out, i ? ", " : "");
    put_text(out, ru->refs[i]);
  }
  sb_putc(out, '\n');
}

/* "path = value" (CEL literal text), then its evidence. */
static void used_line(sbuf *out, const fact_use *u) {
  sbuf t;
  sb_init(&t);
  val_print(&t, u->value);
  detail(out, 0, "");
  put_text(out, u->path);
  sb_puts(out, " = ");
  put_text(out, t.p);
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
  evidence_line(out, u->evidence);
}

static void missing_line(sbuf *out, const fact_miss *m) {
  detail(out, 0, "missing: ");
  put_text(out, m->path);
  sb_puts(out, m->withheld ? " (withheld / 非開示)"
                           : " (not disclosed / 記載なし)");
  sb_putc(out, '\n');
  evidence_line(out, m->evidence);
}

/* A detail line "label: text" whose text may run over several lines. */
static void para_line(sbuf *out, const char *label, const char *text) {
  if (!text)
    return;
  detail(out, 0, label);
  put_para(out, text, DETAIL_COL + strlen(label));
  sb_putc(out, '\n');
}

/* The head line of a rule's block: verdict, severity, id, title. The title
 * is left out when it is the id, and never truncated. */
static void rule_head(sbuf *out, const rule *ru, verdict v, size_t idw,
                      int flags) {
  bool titled = ru->title && strcmp(ru->title, ru->id) != 0;
  put_verdict(out, v, VERDICT_W, true, flags);
  spaces(out, GAP);
  put_cell(out, severity_name(ru->sev), SEV_W, true);
  spaces(out, GAP);
  put_cell(out, ru->id, idw, titled);
  if (titled) {
    spaces(out, GAP);
    put_text(out, ru->title);
  }
  sb_putc(out, '\n');
}

static void rule_block(sbuf *out, const rule *ru, const rule_result *rr,
                       size_t idw, int flags) {
  rule_head(out, ru, rr->v, idw, flags);
  refs_line(out, ru);
  for (uint32_t i = 0; i < rr->nused; i++)
    used_line(out, &rr->used[i]);
  for (uint32_t i = 0; i < rr->nmissing; i++)
    missing_line(out, &rr->missing[i]);
  para_line(out, "reason: ", rr->reason);
  para_line(out, "message: ", rr->message);
}

/* One row of count columns, each right-aligned under its heading. */
static void count_row(sbuf *out, const char *label, const uint32_t *n) {
  uint32_t total = 0;
  put_cell(out, label, 9, true);
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    sb_printf(out, "  %*u", (int)strlen(verdict_name((verdict)v)), n[v]);
    total += n[v];
  }
  sb_printf(out, "  %5u\n", total);
}

static void summary_table(sbuf *out, const vendor_result *vr) {
  uint32_t all[5] = {0};
  char label[16];
  sb_puts(out, "Summary  ");
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(out, "  %s", verdict_name((verdict)v));
  sb_puts(out, "  total\n");
  for (int s = SEV_MUST; s <= SEV_MAY; s++) {
    uint32_t row[5];
    for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
      row[v] = vr->count[v][s];
      all[v] += row[v];
    }
    snprintf(label, sizeof label, "  %s", severity_name((severity)s));
    count_row(out, label, row);
  }
  count_row(out, "  total", all);
}

/* "Result: COMPLIANT" or "NOT COMPLIANT", then which must-rules made it
 * so; unknown must-rules as r->unknown says. */
static void result_lines(sbuf *out, const report *r, const vendor_result *vr,
                         int flags) {
  sb_puts(out, "Result: ");
  put_compliant(out, vr->compliant, "COMPLIANT", "NOT COMPLIANT", 0, flags);
  sb_putc(out, '\n');
  must_line(out, r->pol, vr, VD_FAIL, "  failed must-rules: ");
  must_line(out, r->pol, vr, VD_ERROR, "  must-rules in error: ");
  if (r->unknown == UNKNOWN_FAIL)
    must_line(out, r->pol, vr, VD_UNKNOWN,
              "  unknown must-rules (--unknown=fail, not compliant): ");
  else if (r->unknown == UNKNOWN_WARN)
    must_line(out, r->pol, vr, VD_UNKNOWN,
              "  warning: unknown must-rules (--unknown=warn): ");
}

static void render_single(sbuf *out, const report *r, const vendor_result *vr,
                          int flags) {
  const policy *p = r->pol;
  size_t idw = id_width(p, 0);
  policy_header(p, out);
  vendor_header(vr, out);
  sb_putc(out, '\n');
  for (uint32_t i = 0; i < p->nrules; i++)
    rule_block(out, &p->rules[i], &vr->rules[i], idw, flags);
  sb_putc(out, '\n');
  summary_table(out, vr);
  sb_putc(out, '\n');
  result_lines(out, r, vr, flags);
}

/* ==== several vendors: the matrix ======================================= */

/* Column widths of the matrix; [numbered]: the vendor heads start with
 * the vendor's number in the legend. */
typedef struct layout {
  size_t idw, titlew, vw;
  bool numbered;
} layout;

/* Legal-form words a column head can do without (株式会社テスト: テスト),
 * since many vendors' names start or end with one. */
static const char *const legal_forms[] = {"株式会社", "有限会社", "合同会社",
                                          "（株）", "(株)"};

/* Whether [s]/[n] starts ([at_end]: ends) with the C string [w]. */
static bool affix(const char *s, size_t n, const char *w, bool at_end) {
  size_t k = strlen(w);
  return n > k && memcmp(at_end ? s + n - k : s, w, k) == 0;
}

/* Take ASCII and ideographic spaces off both ends of the text *[s] of
 * *[n] bytes. */
static void trim(const char **s, size_t *n) {
  for (bool again = true; again && *n > 0;) {
    again = false;
    if (affix(*s, *n, " ", false) || affix(*s, *n, "\u3000", false)) {
      size_t k = **s == ' ' ? 1 : 3;
      *s += k;
      *n -= k;
      again = true;
    }
    if (affix(*s, *n, " ", true) || affix(*s, *n, "\u3000", true)) {
      *n -= (*s)[*n - 1] == ' ' ? 1 : 3;
      again = true;
    }
  }
}

/* The name of [vr] for a column head: without a leading or trailing legal
 * form; *[n] gets its length. The whole name when nothing would remain. */
static const char *short_name(const vendor_result *vr, size_t *n) {
  const char *s = nz(vr->name);
  size_t len = strlen(s);
  for (size_t k = 0; k < POL_COUNTOF(legal_forms); k++) {
    if (affix(s, len, legal_forms[k], false)) {
      s += strlen(legal_forms[k]);
      len -= strlen(legal_forms[k]);
    } else if (affix(s, len, legal_forms[k], true)) {
      len -= strlen(legal_forms[k]);
    }
  }
  trim(&s, &len);
  if (!len) {
    s = nz(vr->name);
    len = strlen(s);
  }
  *n = len;
  return s;
}

/* The column head of vendor [j] into [t]: its short name cut to the
 * column, after its number when [L] says so. */
static void vendor_head(sbuf *t, const report *r, uint32_t j, const layout *L) {
  size_t n, width = L->vw;
  const char *s = short_name(&r->vendors[j], &n);
  t->len = 0;
  if (t->p)
    t->p[0] = '\0';
  if (L->numbered) {
    sb_printf(t, "%u ", j + 1);
    width = t->len < width ? width - t->len : 1;
  }
  put_span(t, s, n, width, false);
}

/* Whether two vendors' column heads in [L] read the same. */
static bool heads_collide(const report *r, const layout *L) {
  bool same = false;
  sbuf a, b;
  sb_init(&a);
  sb_init(&b);
  for (uint32_t j = 0; j < r->nvendors && !same; j++) {
    vendor_head(&a, r, j, L);
    for (uint32_t k = j + 1; k < r->nvendors && !same; k++) {
      vendor_head(&b, r, k, L);
      same = strcmp(nz(a.p), nz(b.p)) == 0;
    }
  }
  sb_free(&a);
  sb_free(&b);
  return same;
}

static size_t max_title_width(const policy *p) {
  size_t w = 5; /* "title" */
  for (uint32_t i = 0; i < p->nrules; i++) {
    size_t tw = text_width(nz(p->rules[i].title));
    w = tw > w ? tw : w;
  }
  return w;
}

/* The widths that keep the matrix within MATRIX_W: vendor columns between
 * VERDICT_W and VENDOR_MAX wide (narrowed while the titles would get less
 * than TITLE_WANT: the legend names the vendors in full, nothing names the
 * rules but their titles), titles taking the rest, at least TITLE_MIN,
 * but no more than the longest. */
static layout matrix_layout(const report *r) {
  layout L;
  size_t names = VERDICT_W, n = r->nvendors, len;
  for (uint32_t j = 0; j < n; j++) {
    const char *s = short_name(&r->vendors[j], &len);
    size_t w = span_width(s, len);
    names = w > names ? w : names;
  }
  L.idw = id_width(r->pol, 9); /* "compliant" */
  L.vw = names < VENDOR_MAX ? names : VENDOR_MAX;
  size_t fixed = L.idw + GAP + SEV_W;
  while (L.vw > VERDICT_W && fixed + n * (L.vw + GAP) + GAP + TITLE_WANT >
                                 MATRIX_W)
    L.vw--;
  size_t used = fixed + n * (L.vw + GAP) + GAP;
  L.titlew = used + TITLE_MIN < MATRIX_W ? MATRIX_W - used : TITLE_MIN;
  size_t longest = max_title_width(r->pol);
  L.titlew = longest < L.titlew ? longest : L.titlew;
  L.numbered = false;
  L.numbered = heads_collide(r, &L);
  return L;
}

/* The three left cells of a matrix line, padded, with the gap after. */
static void left_cells(sbuf *out, const layout *L, const char *id,
                       const char *sev, const char *title) {
  put_cell(out, id, L->idw, true);
  spaces(out, GAP);
  put_cell(out, sev, SEV_W, true);
  spaces(out, GAP);
  put_cell(out, title, L->titlew, true);
}

static void dashes(sbuf *out, size_t n) {
  for (; n > 0; n--)
    sb_putc(out, '-');
}

static void rule_line(sbuf *out, const report *r, const layout *L) {
  dashes(out, L->idw);
  spaces(out, GAP);
  dashes(out, SEV_W);
  spaces(out, GAP);
  dashes(out, L->titlew);
  for (uint32_t j = 0; j < r->nvendors; j++) {
    spaces(out, GAP);
    dashes(out, L->vw);
  }
  sb_putc(out, '\n');
}

static void matrix_head(sbuf *out, const report *r, const layout *L) {
  sbuf t;
  sb_init(&t);
  left_cells(out, L, "rule", "sev", "title");
  for (uint32_t j = 0; j < r->nvendors; j++) {
    spaces(out, GAP);
    vendor_head(&t, r, j, L);
    sb_puts(out, nz(t.p)); /* sanitised already */
    if (j + 1 < r->nvendors && text_width(nz(t.p)) < L->vw)
      spaces(out, L->vw - text_width(nz(t.p)));
  }
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
  rule_line(out, r, L);
}

static void matrix_row(sbuf *out, const report *r, const layout *L,
                       uint32_t i, int flags) {
  const rule *ru = &r->pol->rules[i];
  left_cells(out, L, ru->id, severity_name(ru->sev), ru->title);
  for (uint32_t j = 0; j < r->nvendors; j++) {
    spaces(out, GAP);
    put_verdict(out, r->vendors[j].rules[i].v, L->vw, j + 1 < r->nvendors,
                flags);
  }
  sb_putc(out, '\n');
}

static void compliant_row(sbuf *out, const report *r, const layout *L,
                          int flags) {
  left_cells(out, L, "compliant", "", "");
  for (uint32_t j = 0; j < r->nvendors; j++) {
    spaces(out, GAP);
    put_compliant(out, r->vendors[j].compliant, "yes", "no",
                  j + 1 < r->nvendors ? L->vw : 0, flags);
  }
  sb_putc(out, '\n');
}

/* "  N  name — service (source)" for each vendor, in column order: the
 * full names that the matrix's column heads may shorten. */
static void vendor_legend(sbuf *out, const report *r) {
  sb_puts(out, "Vendors\n");
  for (uint32_t j = 0; j < r->nvendors; j++) {
    const vendor_result *vr = &r->vendors[j];
    sb_printf(out, "%3u  ", j + 1);
    put_text(out, vr->name);
    if (vr->service) {
      sb_puts(out, " — ");
      put_text(out, vr->service);
    }
    if (vr->source) {
      sb_puts(out, " (");
      put_text(out, vr->source);
      sb_putc(out, ')');
    }
    sb_putc(out, '\n');
  }
}

/* The per-vendor count table: counts per verdict, compliant, and the
 * vendor's full name last, so no name is cut. */
static void vendor_counts(sbuf *out, const report *r, int flags) {
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(out, "%s%s", v ? "  " : "", verdict_name((verdict)v));
  sb_puts(out, "  compliant  vendor\n");
  for (uint32_t j = 0; j < r->nvendors; j++) {
    const vendor_result *vr = &r->vendors[j];
    for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
      const uint32_t *c = vr->count[v];
      sb_printf(out, "%s%*u", v ? "  " : "",
                (int)strlen(verdict_name((verdict)v)), c[0] + c[1] + c[2]);
    }
    sb_puts(out, "  ");
    put_compliant(out, vr->compliant, "yes", "no", 9, flags);
    sb_puts(out, "  ");
    put_text(out, vr->name);
    sb_putc(out, '\n');
  }
}

/* " LABEL ids" for the must-rules of [vr] that ended in [v], after a ";"
 * unless [first]; *[col] tracks the cursor's column. Returns whether the
 * next group is still the first. */
static bool must_group(sbuf *out, const report *r, const vendor_result *vr,
                       verdict v, const char *label, bool first,
                       size_t *col) {
  if (!must_count(r->pol, vr, v))
    return first;
  sb_puts(out, first ? " " : "; ");
  sb_puts(out, label);
  *col += (first ? 1 : 2) + strlen(label);
  *col = put_must_ids(out, r->pol, vr, v, *col);
  return false;
}

/* Per vendor, the must-rules that kept it from compliance (FAIL, ERROR,
 * and UNKNOWN as r->unknown says). */
static void must_not_met(sbuf *out, const report *r) {
  sb_puts(out, "Must-rules not met\n");
  for (uint32_t j = 0; j < r->nvendors; j++) {
    const vendor_result *vr = &r->vendors[j];
    bool first = true;
    size_t col = 3 + text_width(nz(vr->name));
    sb_puts(out, "  ");
    put_text(out, vr->name);
    sb_putc(out, ':');
    first = must_group(out, r, vr, VD_FAIL, "FAIL ", first, &col);
    first = must_group(out, r, vr, VD_ERROR, "ERROR ", first, &col);
    if (r->unknown == UNKNOWN_FAIL)
      first = must_group(out, r, vr, VD_UNKNOWN, "UNKNOWN ", first, &col);
    else if (r->unknown == UNKNOWN_WARN)
      first = must_group(out, r, vr, VD_UNKNOWN, "UNKNOWN (warning) ", first,
                         &col);
    sb_puts(out, first ? " none\n" : "\n");
  }
}

static void render_matrix(sbuf *out, const report *r, int flags) {
  layout L = matrix_layout(r);
  policy_header(r->pol, out);
  sb_putc(out, '\n');
  vendor_legend(out, r);
  sb_putc(out, '\n');
  matrix_head(out, r, &L);
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    matrix_row(out, r, &L, i, flags);
  rule_line(out, r, &L);
  compliant_row(out, r, &L, flags);
  sb_putc(out, '\n');
  vendor_counts(out, r, flags);
  sb_putc(out, '\n');
  must_not_met(out, r);
  sb_printf(out, "\nUnknown must-rules %s (--unknown=%s).\n",
            unknown_mode_effect(r->unknown), unknown_mode_name(r->unknown));
}

/* ==== JSON ============================================================== */

/* An unsafe code point (a control or bidi character) as a JSON escape:
 * the short form when JSON has one, else \uXXXX. The text reads back the
 * same, but a terminal showing the JSON cannot be driven by it. */
static void jcontrol(sbuf *b, int32_t c) {
  switch (c) {
  case '\b': sb_puts(b, "\\b"); break;
  case '\t': sb_puts(b, "\\t"); break;
  case '\n': sb_puts(b, "\\n"); break;
  case '\f': sb_puts(b, "\\f"); break;
  case '\r': sb_puts(b, "\\r"); break;
  default: sb_printf(b, "\\u%04x", (unsigned)c); break;
  }
}

/* Append [s] as a JSON string (NULL: null). Invalid UTF-8 becomes
 * \ufffd, so the output is always valid JSON text; other text stays raw
 * UTF-8 but for the escapes of jcontrol. */
static void jstring(sbuf *b, const char *s) {
  if (!s) {
    sb_puts(b, "null");
    return;
  }
  size_t n = strlen(s), i = 0;
  sb_putc(b, '"');
  while (i < n) {
    size_t start = i;
    int32_t cp = utf8_decode(s, n, &i);
    if (cp < 0) {
      i = start + 1;
      sb_puts(b, "\\ufffd");
    } else if (cp == '"' || cp == '\\') {
      sb_putc(b, '\\');
      sb_putc(b, (char)cp);
    } else if (unsafe_cp(cp)) {
      jcontrol(b, cp);
    } else {
      sb_put(b, s + start, i - start);
    }
  }
  sb_putc(b, '"');
}

static void jnl(sbuf *b, int level) {
  sb_putc(b, '\n');
  spaces(b, 2 * (size_t)level);
}

/* Start the member [key] of an object at [level]; [first] says whether a
 * comma is due. */
static void jkey(sbuf *b, int level, bool first, const char *key) {
  if (!first)
    sb_putc(b, ',');
  jnl(b, level);
  jstring(b, key);
  sb_puts(b, ": ");
}

static void jmember(sbuf *b, int level, const char *key, const char *s) {
  jkey(b, level, false, key);
  jstring(b, s);
}

/* Append [v] through json_write, its lines indented to [level]. */
static void jvalue(sbuf *b, val v, int level) {
  sbuf t;
  sb_init(&t);
  json_write(&t, v, 2);
  for (size_t i = 0; i < t.len; i++) {
    if (t.p[i] == '\n')
      jnl(b, level);
    else
      sb_putc(b, t.p[i]);
  }
  b->oom |= t.oom;
  sb_free(&t);
}

/* An array of strings at [level]: one per line, [] when empty. */
static void jstrings(sbuf *b, int level, const char *const *s, uint32_t n) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < n; i++) {
    sb_puts(b, i ? "," : "");
    jnl(b, level + 1);
    jstring(b, s[i]);
  }
  if (n)
    jnl(b, level);
  sb_putc(b, ']');
}

/* The paths of [rr]'s missing facts (only the withheld ones when
 * [withheld]), as an array at [level]. */
static void jpaths(sbuf *b, int level, const rule_result *rr, bool withheld) {
  bool first = true;
  sb_putc(b, '[');
  for (uint32_t i = 0; i < rr->nmissing; i++) {
    if (withheld && !rr->missing[i].withheld)
      continue;
    sb_puts(b, first ? "" : ",");
    jnl(b, level + 1);
    jstring(b, rr->missing[i].path);
    first = false;
  }
  if (!first)
    jnl(b, level);
  sb_putc(b, ']');
}

/* {"path", "value", "evidence"} of each fact used, at [level]. */
static void jfacts(sbuf *b, int level, const rule_result *rr) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < rr->nused; i++) {
    const fact_use *u = &rr->used[i];
    sb_puts(b, i ? "," : "");
    jnl(b, level + 1);
    sb_putc(b, '{');
    jkey(b, level + 2, true, "path");
    jstring(b, u->path);
    jkey(b, level + 2, false, "value");
    jvalue(b, u->value, level + 2);
    jmember(b, level + 2, "evidence", u->evidence);
    jnl(b, level + 1);
    sb_putc(b, '}');
  }
  if (rr->nused)
    jnl(b, level);
  sb_putc(b, ']');
}

/* {"path", "evidence"} of each missing fact that has a citation (the
 * vendor's refusal, for a withheld fact), at [level]. */
static void jmissing_evidence(sbuf *b, int level, const rule_result *rr) {
  bool first = true;
  sb_putc(b, '[');
  for (uint32_t i = 0; i < rr->nmissing; i++) {
    const fact_miss *m = &rr->missing[i];
    if (!m->evidence)
      continue;
    sb_puts(b, first ? "" : ",");
    jnl(b, level + 1);
    sb_putc(b, '{');
    jkey(b, level + 2, true, "path");
    jstring(b, m->path);
    jmember(b, level + 2, "evidence", m->evidence);
    jnl(b, level + 1);
    sb_putc(b, '}');
    first = false;
  }
  if (!first)
    jnl(b, level);
  sb_putc(b, ']');
}

/* One element of "rules", at [level]. */
static void jrule(sbuf *b, int level, const rule *ru, const rule_result *rr) {
  int in = level + 1;
  sb_putc(b, '{');
  jkey(b, in, true, "id");
  jstring(b, ru->id);
  jmember(b, in, "title", ru->title);
  jmember(b, in, "verdict", verdict_name(rr->v));
  jmember(b, in, "severity", severity_name(ru->sev));
  jkey(b, in, false, "refs");
  jstrings(b, in, ru->refs, ru->nrefs);
  jkey(b, in, false, "facts");
  jfacts(b, in, rr);
  jkey(b, in, false, "missing");
  jpaths(b, in, rr, false);
  jkey(b, in, false, "withheld");
  jpaths(b, in, rr, true);
  jkey(b, in, false, "missing_evidence");
  jmissing_evidence(b, in, rr);
  jmember(b, in, "message", rr->message);
  jmember(b, in, "reason", rr->reason);
  jmember(b, in, "ask", ru->ask);
  jnl(b, level);
  sb_putc(b, '}');
}

/* {"PASS": n, ...}: counts over every severity, at [level]. */
static void jsummary(sbuf *b, int level, const vendor_result *vr) {
  sb_putc(b, '{');
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    const uint32_t *c = vr->count[v];
    jkey(b, level + 1, v == VD_PASS, verdict_name((verdict)v));
    sb_printf(b, "%u", c[0] + c[1] + c[2]);
  }
  jnl(b, level);
  sb_putc(b, '}');
}

static void jvendor(sbuf *b, int level, const policy *p,
                    const vendor_result *vr) {
  int in = level + 1;
  sb_putc(b, '{');
  jkey(b, in, true, "vendor");
  jstring(b, vr->name);
  jmember(b, in, "source", vr->source);
  jmember(b, in, "service", vr->service);
  jmember(b, in, "document", vr->document);
  jmember(b, in, "version", vr->version);
  jmember(b, in, "date", vr->date);
  jkey(b, in, false, "compliant");
  sb_puts(b, vr->compliant ? "true" : "false");
  jkey(b, in, false, "summary");
  jsummary(b, in, vr);
  jkey(b, in, false, "rules");
  sb_putc(b, '[');
  for (uint32_t i = 0; i < p->nrules; i++) {
    sb_puts(b, i ? "," : "");
    jnl(b, in + 1);
    jrule(b, in + 1, &p->rules[i], &vr->rules[i]);
  }
  if (p->nrules)
    jnl(b, in);
  sb_putc(b, ']');
  jnl(b, level);
  sb_putc(b, '}');
}

static void render_json(sbuf *b, const report *r) {
  const policy *p = r->pol;
  sb_putc(b, '{');
  jkey(b, 1, true, "policy");
  sb_putc(b, '{');
  jkey(b, 2, true, "name");
  jstring(b, p->name);
  jmember(b, 2, "title", p->title);
  jmember(b, 2, "version", p->version);
  jmember(b, 2, "file", p->file);
  jnl(b, 1);
  sb_putc(b, '}');
  jmember(b, 1, "unknown", unknown_mode_name(r->unknown));
  jkey(b, 1, false, "results");
  sb_putc(b, '[');
  for (uint32_t j = 0; j < r->nvendors; j++) {
    sb_puts(b, j ? "," : "");
    jnl(b, 2);
    jvendor(b, 2, p, &r->vendors[j]);
  }
  if (r->nvendors)
    jnl(b, 1);
  sb_puts(b, "]\n}\n");
}

/* ==== questions ========================================================= */

/* What a question is about. A rule with an `ask` text asks that text; one
 * without asks one question per missing fact path; one without either
 * (an UNKNOWN with no path recorded) asks about the rule itself. Equal
 * keys are one question. */
typedef enum { Q_ASK, Q_PATH, Q_RULE } qkind;

typedef struct qkey {
  qkind kind;
  const char *text; /* the ask text, the fact path, or the rule id */
} qkey;

/* Whether rule [i] of [vr] is UNKNOWN and asks the question [k]. */
static bool rule_asks(const policy *p, const vendor_result *vr, uint32_t i,
                      qkey k) {
  const rule *ru = &p->rules[i];
  const rule_result *rr = &vr->rules[i];
  if (rr->v != VD_UNKNOWN)
    return false;
  if (ru->ask)
    return k.kind == Q_ASK && strcmp(ru->ask, k.text) == 0;
  if (k.kind == Q_RULE)
    return !rr->nmissing && strcmp(ru->id, k.text) == 0;
  for (uint32_t m = 0; k.kind == Q_PATH && m < rr->nmissing; m++)
    if (strcmp(rr->missing[m].path, k.text) == 0)
      return true;
  return false;
}

/* Whether a rule before [i], or the same rule's path before missing[m],
 * already asked [k]. */
static bool asked_before(const policy *p, const vendor_result *vr,
                         uint32_t i, uint32_t m, qkey k) {
  for (uint32_t e = 0; e < i; e++)
    if (rule_asks(p, vr, e, k))
      return true;
  for (uint32_t e = 0; k.kind == Q_PATH && e < m; e++)
    if (strcmp(vr->rules[i].missing[e].path, k.text) == 0)
      return true;
  return false;
}

/* The first missing-fact record for [path] among [vr]'s UNKNOWN rules that
 * is withheld or has a citation; else the first one at all. */
static const fact_miss *find_miss(const vendor_result *vr, uint32_t nrules,
                                  const char *path) {
  const fact_miss *found = NULL;
  for (uint32_t i = 0; i < nrules; i++) {
    const rule_result *rr = &vr->rules[i];
    for (uint32_t m = 0; m < rr->nmissing; m++) {
      const fact_miss *f = &rr->missing[m];
      if (strcmp(f->path, path) != 0)
        continue;
      if (f->withheld || f->evidence)
        return f;
      found = found ? found : f;
    }
  }
  return found;
}

/* Put the lines of a question, each after the first starting at [ind]. */
static void q_line(sbuf *out, size_t ind, const char *label,
                   const char *text) {
  spaces(out, ind);
  sb_puts(out, label);
  put_para(out, text, ind + text_width(label));
  sb_putc(out, '\n');
}

/* A fact's description as the two names of a question: [ja] ([jalen]
 * bytes) for the Japanese line, [en] (NULL: none) for the English one. */
typedef struct desc_parts {
  const char *ja, *en;
  size_t jalen;
} desc_parts;

static bool ascii_only(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

/* Split the description [d] written "日本語 / English" (the convention of
 * stdlib/vendor_schema.pol) at the first "/ " that has non-ASCII text
 * before it and only ASCII after; one that is not so written is all
 * [ja]. */
static desc_parts split_desc(const char *d) {
  desc_parts r = {d, NULL, strlen(d)};
  bool wide = false;
  for (const char *q = d; *q; q++) {
    wide |= (unsigned char)*q >= 0x80;
    if (!wide || q[0] != '/' || q[1] != ' ' || !ascii_only(q + 2))
      continue;
    r.jalen = (size_t)(q - d);
    while (r.jalen > 0 && d[r.jalen - 1] == ' ')
      r.jalen--;
    r.en = q + 2;
    break;
  }
  return r;
}

/* The Japanese line of the question for [f], named [dp]. */
static void path_question_ja(sbuf *t, const fact_miss *f,
                             const desc_parts *dp) {
  if (dp->jalen) {
    sb_put(t, dp->ja, dp->jalen);
    sb_printf(t, "（%s）", f->path);
  } else {
    sb_printf(t, "%s ", f->path);
  }
  if (f->withheld)
    sb_puts(t, "は非開示とのことですが、当社の調達要件の確認に必要な情報"
               "です。開示について再度ご検討いただけますでしょうか。");
  else
    sb_puts(t, "について、ご教示ください。");
}

/* The English line of the question for [f], named [dp]. */
static void path_question_en(sbuf *t, const fact_miss *f,
                             const desc_parts *dp) {
  if (f->withheld && dp->en)
    sb_printf(t, "You declined to disclose %s (%s).", dp->en, f->path);
  else if (f->withheld)
    sb_printf(t, "You declined to disclose %s.", f->path);
  else if (dp->en)
    sb_printf(t, "Please tell us: %s (%s).", dp->en, f->path);
  else
    sb_printf(t, "Please tell us about %s.", f->path);
  if (f->withheld)
    sb_puts(t, " We need it to assess our requirements; would you "
               "reconsider disclosing it?");
}

/* The question generated for the missing fact [f]: Japanese, then the
 * same in English, then the citation of a refusal. The fact's declared
 * description names it when the policy has one. */
static void path_question(sbuf *out, const policy *p, const fact_miss *f,
                          size_t ind) {
  const fact_decl *d = policy_fact(p, f->path);
  desc_parts dp = split_desc(d && d->desc ? d->desc : "");
  sbuf t;
  sb_init(&t);
  path_question_ja(&t, f, &dp);
  put_text(out, t.p);
  sb_putc(out, '\n');
  t.len = 0;
  path_question_en(&t, f, &dp);
  q_line(out, ind, "", t.p);
  out->oom |= t.oom;
  sb_free(&t);
  if (f->evidence)
    q_line(out, ind, "根拠 / evidence: ", f->evidence);
}

/* For an `ask` question: a note naming the withheld facts of the rule
 * that asks it, since the author's text cannot know of the refusal. */
static void withheld_note(sbuf *out, const rule_result *rr, size_t ind) {
  bool any = false;
  for (uint32_t m = 0; m < rr->nmissing; m++) {
    if (!rr->missing[m].withheld)
      continue;
    if (!any) {
      spaces(out, ind);
      sb_puts(out, "※ 非開示とのご回答をいただいている項目 / withheld:");
    }
    sb_puts(out, any ? ", " : " ");
    put_text(out, rr->missing[m].path);
    any = true;
  }
  if (any)
    sb_putc(out, '\n');
}

/* The question text of [k], first asked by rule [i] of [vr]. */
static void question_text(sbuf *out, const policy *p, const vendor_result *vr,
                          uint32_t i, qkey k, size_t ind) {
  const rule *ru = &p->rules[i];
  if (k.kind == Q_PATH) {
    path_question(out, p, find_miss(vr, p->nrules, k.text), ind);
    return;
  }
  if (k.kind == Q_ASK) {
    put_para(out, k.text, ind);
    sb_putc(out, '\n');
    withheld_note(out, &vr->rules[i], ind);
    return;
  }
  sb_puts(out, "「");
  put_text(out, nz(ru->title));
  sb_puts(out, "」の判断に必要な情報をご教示ください。\n");
  spaces(out, ind);
  sb_puts(out, "Please provide what we need to assess this requirement.\n");
}

/* "対象要件 / rules: ids" of every rule of [vr] that asks [k]. */
static void question_rules(sbuf *out, const policy *p, const vendor_result *vr,
                           qkey k, size_t ind) {
  bool first = true;
  spaces(out, ind);
  sb_puts(out, "対象要件 / rules:");
  for (uint32_t i = 0; i < p->nrules; i++) {
    if (!rule_asks(p, vr, i, k))
      continue;
    sb_puts(out, first ? " " : ", ");
    put_text(out, p->rules[i].id);
    first = false;
  }
  sb_putc(out, '\n');
}

/* Number and put question [k] unless an earlier rule asked it. */
static void maybe_ask(sbuf *out, const policy *p, const vendor_result *vr,
                      uint32_t i, uint32_t m, qkey k, uint32_t *num) {
  if (asked_before(p, vr, i, m, k))
    return;
  char head[16];
  int len = snprintf(head, sizeof head, "%u. ", ++*num);
  sb_puts(out, *num > 1 ? "\n" : "");
  sb_puts(out, head);
  question_text(out, p, vr, i, k, (size_t)len);
  question_rules(out, p, vr, k, (size_t)len);
}

/* The questions of one UNKNOWN rule: its ask text, or one per missing
 * path, or one about the rule. */
static void rule_questions(sbuf *out, const policy *p, const vendor_result *vr,
                           uint32_t i, uint32_t *num) {
  const rule *ru = &p->rules[i];
  const rule_result *rr = &vr->rules[i];
  if (rr->v != VD_UNKNOWN)
    return;
  if (ru->ask) {
    maybe_ask(out, p, vr, i, 0, (qkey){Q_ASK, ru->ask}, num);
    return;
  }
  for (uint32_t m = 0; m < rr->nmissing; m++)
    maybe_ask(out, p, vr, i, m, (qkey){Q_PATH, rr->missing[m].path}, num);
  if (!rr->nmissing)
    maybe_ask(out, p, vr, i, 0, (qkey){Q_RULE, ru->id}, num);
}

/* "■ name（service）" and the document and source lines. */
static void question_heading(sbuf *out, const vendor_result *vr) {
  sb_puts(out, "■ ");
  put_text(out, vr->name);
  if (vr->service) {
    sb_puts(out, "（");
    put_text(out, vr->service);
    sb_puts(out, "）");
  }
  sb_putc(out, '\n');
  sbuf t;
  sb_init(&t);
  document_text(vr, &t);
  if (t.len) {
    sb_puts(out, "  document: ");
    put_text(out, t.p);
    sb_putc(out, '\n');
  }
  out->oom |= t.oom;
  sb_free(&t);
  if (vr->source) {
    sb_puts(out, "  source: ");
    put_text(out, vr->source);
    sb_putc(out, '\n');
  }
}

static void render_questions(sbuf *out, const report *r) {
  for (uint32_t j = 0; j < r->nvendors; j++) {
    const vendor_result *vr = &r->vendors[j];
    uint32_t num = 0;
    sb_puts(out, j ? "\n" : "");
    question_heading(out, vr);
    sb_putc(out, '\n');
    for (uint32_t i = 0; i < r->pol->nrules; i++)
      rule_questions(out, r->pol, vr, i, &num);
    if (!num)
      sb_puts(out, "質問事項はありません。 / No questions: every fact the "
                   "policy needs was disclosed.\n");
  }
}

/* ==== entry point ======================================================= */

/* Append report [r] to [out] in [format] (REPORT_TEXT, REPORT_JSON or
 * REPORT_QUESTIONS; any other value renders text) with [flags]
 * (REPORT_COLOR: ANSI colours in text; JSON and questions never have
 * any). Text of one vendor is the per-rule report, of several the
 * matrix. Never fails: out of memory sets out->oom. */
void report_render(const report *r, int format, int flags, sbuf *out) {
  if (format == REPORT_JSON)
    render_json(out, r);
  else if (format == REPORT_QUESTIONS)
    render_questions(out, r);
  else if (r->nvendors == 1)
    render_single(out, r, &r->vendors[0], flags);
  else if (r->nvendors > 1)
    render_matrix(out, r, flags);
  else {
    policy_header(r->pol, out);
    sb_puts(out, "\nNo vendors checked.\n");
  }
}
