/*
 * render_text.c: the text report (render.h). One vendor gets the
 * per-rule report: verdict, the facts read with their values and the
 * citations of the vendor's document, the missing facts, the message,
 * and a summary. Several get the rules x vendors matrix. The choice is
 * made at the end, so while vendors stream in this member keeps the
 * first vendor's report (until a second comes) and each vendor's verdict
 * cells and names: never the vendors' facts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "pol.h"
#include "render.h"

#define GAP 2          /* columns between table cells */
#define VERDICT_W 7    /* "UNKNOWN", "SKIPPED" */
#define SEV_W 6        /* "should" */
#define DETAIL_COL (VERDICT_W + GAP + SEV_W + GAP)
#define LABEL_W 13     /* "Policy file  " */
#define ID_MAX 28      /* widest id column before truncation */
#define TITLE_MIN 16   /* narrowest title column of a matrix that must
                          fit a width */
#define TITLE_WANT 30  /* vendor columns narrow to give titles this */
#define VENDOR_MAX 14  /* widest vendor column when fitting a width */
#define WRAP_W 100     /* id lists wrap before this column */
#define VALUE_MAX 240  /* a value's text is cut after this many bytes */

/* What the matrix keeps of each vendor (copies). */
typedef struct mvendor {
  const char *name, *service, *source;
  bool compliant;
} mvendor;

typedef struct text_state {
  sbuf first;       /* the first vendor's per-rule report */
  arena a;          /* the names of mvendors */
  mvendor *v;
  size_t nv, cap_v;
  uint8_t *cells;   /* nv rows of pol->nrules verdicts */
  size_t cap_cells;
  bool oom;
} text_state;

static const char *nz(const char *s) { return s ? s : ""; }

static void put_verdict(sbuf *out, verdict v, size_t width, bool pad,
                        int flags) {
  out_colored(out, verdict_name(v), render_verdict_sgr(v), width, pad,
              flags & RENDER_COLOR);
}

/* [yes] in green or [no] in red, padded to [width] (0: not padded). */
static void put_compliant(sbuf *out, bool ok, const char *yes,
                          const char *no, size_t width, int flags) {
  const char *s = ok ? yes : no;
  out_colored(out, s, ok ? "32" : "31", SIZE_MAX, false,
              flags & RENDER_COLOR);
  if (width > out_width(s))
    out_spaces(out, width - out_width(s));
}

/* ==== must-rule lists ==================================================== */

/* A vendor's verdicts, one per rule. */
typedef const uint8_t *row;

/* (A waived cell never equals a verdict: it does not count; one whose
 * waiver expired does.) */
static bool must_is(const policy *p, row vs, uint32_t i, verdict v) {
  return p->rules[i].sev == SEV_MUST && (vs[i] & ~CELL_EXPIRED) == v;
}

static uint32_t must_count(const policy *p, row vs, verdict v) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->nrules; i++)
    n += must_is(p, vs, i, v);
  return n;
}

/* Put the ids of the must-rules that ended in [v], separated by ", ",
 * the cursor being at column [col]; a line that would pass WRAP_W goes
 * on at column 4. Returns the column the cursor ends at. */
static size_t put_must_ids(sbuf *out, const policy *p, row vs, verdict v,
                           size_t col) {
  bool first = true;
  for (uint32_t i = 0; i < p->nrules; i++) {
    if (!must_is(p, vs, i, v))
      continue;
    size_t w = out_width(p->rules[i].id);
    if (!first)
      sb_putc(out, ',');
    if (!first && col + 2 + w > WRAP_W) {
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

/* "[label]ids\n" for the must-rules that ended in [v], if any. */
static void must_line(sbuf *out, const policy *p, row vs, verdict v,
                      const char *label) {
  if (!must_count(p, vs, v))
    return;
  sb_puts(out, label);
  put_must_ids(out, p, vs, v, out_width(label));
  sb_putc(out, '\n');
}

/* "Policy       title (name, version V)" and "Policy file  file". */
static void policy_header(const policy *p, sbuf *out) {
  sbuf t;
  sb_init(&t, &out->m);
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
  out_cell(out, "Policy", LABEL_W, true);
  out_text(out, t.p);
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
  if (p->file) {
    out_cell(out, "Policy file", LABEL_W, true);
    out_text(out, p->file);
    sb_putc(out, '\n');
  }
}

/* Width of the id column: the widest id, at least [min], at most ID_MAX. */
static size_t id_width(const policy *p, size_t min) {
  size_t w = min;
  for (uint32_t i = 0; i < p->nrules; i++) {
    size_t iw = out_width(p->rules[i].id);
    w = iw > w ? iw : w;
  }
  return w < ID_MAX ? w : ID_MAX;
}

/* ==== one vendor: per-rule text ========================================= */

static void label_line(sbuf *out, const char *label, const char *text) {
  if (!text || !*text)
    return;
  out_cell(out, label, LABEL_W, true);
  out_text(out, text);
  sb_putc(out, '\n');
}

static void vendor_header(const vendor_result *vr, sbuf *out) {
  sbuf t;
  sb_init(&t, &out->m);
  render_document(&t, vr);
  label_line(out, "Vendor", vr->name);
  label_line(out, "Service", vr->service);
  label_line(out, "Document", t.p);
  label_line(out, "Source", vr->source);
  t.len = 0;
  for (uint32_t i = 0; vr->assumed && i < vr->assumed->n; i++) {
    val p = vr->assumed->items[i];
    if (p.kind == V_STRING)
      sb_printf(&t, "%s%s", t.len ? ", " : "", p.as.s->data);
  }
  if (t.len)
    sb_puts(&t, " (--assume: a what-if, not the vendor's words)");
  label_line(out, "Assumed", t.len ? t.p : NULL);
  out->oom |= t.oom;
  sb_free(&t);
}

/* Start a detail line: the indent, then [label]. */
static void detail(sbuf *out, size_t extra, const char *label) {
  out_spaces(out, DETAIL_COL + extra);
  sb_puts(out, label);
}

/* "evidence: citation", or "evidence (of PATH): citation" when the
 * citation is an ancestor's. */
static void evidence_line(sbuf *out, const fact_ref *f) {
  if (!f->evidence)
    return;
  size_t col = DETAIL_COL + 2 + 10;
  detail(out, 2, "evidence");
  if (report_cites_other(f)) {
    sb_puts(out, " (of ");
    out_span(out, f->path + f->ev_off, f->ev_len, SIZE_MAX, false);
    sb_putc(out, ')');
    col += 5 + out_span_width(f->path + f->ev_off, f->ev_len) + 1;
  }
  sb_puts(out, ": ");
  out_para(out, f->evidence->data, col);
  sb_putc(out, '\n');
}

static void refs_line(sbuf *out, const rule *ru) {
  if (!ru->nrefs)
    return;
  detail(out, 0, "refs: ");
  for (uint32_t i = 0; i < ru->nrefs; i++) {
    sb_puts(out, i ? ", " : "");
    out_text(out, ru->refs[i]);
  }
  sb_putc(out, '\n');
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
static void used_line(sbuf *out, const fact_ref *f, const str *cited) {
  detail(out, 0, "");
  out_text(out, f->path);
  if (f->kind == FR_ABSENT) {
    sb_puts(out, ": not present\n");
    return;
  }
  sb_puts(out, " = ");
  value_text(out, report_value(f));
  if (f->assumed)
    sb_puts(out, "  (assumed)");
  if (f->decided)
    sb_puts(out, "  (decided)");
  sb_putc(out, '\n');
  if (f->evidence != cited)
    evidence_line(out, f);
}

static void missing_line(sbuf *out, const fact_ref *f) {
  detail(out, 0, "missing: ");
  out_text(out, f->path);
  sb_puts(out, f->withheld ? " (withheld / 非開示)"
                           : " (not disclosed / 記載なし)");
  sb_putc(out, '\n');
  evidence_line(out, f);
}

/* A detail line "label: text" whose text may run over several lines. */
static void para_line(sbuf *out, const char *label, const char *text) {
  if (!text)
    return;
  detail(out, 0, label);
  out_para(out, text, DETAIL_COL + strlen(label));
  sb_putc(out, '\n');
}

/* An UNKNOWN rule's residual ("applies if", "passes if") and its
 * decisive facts, each marked withheld or not disclosed, with the
 * citation of a refusal. false when it has no residual to show (then the
 * missing facts are listed as they were found). */
static bool unknown_lines(sbuf *out, const report *r,
                          const vendor_result *vr, uint32_t i) {
  const rule_unknown *u = render_unknown(r, vr, i, out);
  if (!u)
    return false;
  para_line(out, "applies if: ", u->r.applies_if);
  para_line(out, "passes if: ", u->r.passes_if);
  if (!u->r.passes_if)
    para_line(out, "if it applies: ", verdict_name((verdict)u->r.if_applies));
  for (uint32_t k = 0; k < u->r.nfacts; k++)
    missing_line(out, &u->facts[k]);
  return true;
}

/* The head line of a rule's block: verdict (WAIVED for a waived one, the
 * verdict it replaces on the waiver's line), severity, id, title. The
 * title is left out when it is the id, and never truncated. */
static void rule_head(sbuf *out, const rule *ru, const rule_result *rr,
                      size_t idw, int flags) {
  bool titled = ru->title && strcmp(ru->title, ru->id) != 0;
  if (rule_waived(rr))
    out_colored(out, "WAIVED", "36", VERDICT_W, true, flags & RENDER_COLOR);
  else
    put_verdict(out, rr->v, VERDICT_W, true, flags);
  out_spaces(out, GAP);
  out_cell(out, severity_name(ru->sev), SEV_W, true);
  out_spaces(out, GAP);
  out_cell(out, ru->id, idw, titled);
  if (titled) {
    out_spaces(out, GAP);
    out_text(out, ru->title);
  }
  sb_putc(out, '\n');
}

static void rule_facts(sbuf *out, const report *r, const vendor_result *vr,
                       uint32_t i) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, false, &n);
  const str *cited = NULL;
  for (uint32_t k = 0; k < n; k++) {
    if (!report_resolve(r, vr, &f[k])) {
      out->oom = true;
      continue;
    }
    used_line(out, &f[k], cited);
    cited = f[k].evidence;
  }
  if (vr->rules[i].more) {
    detail(out, 0, "");
    sb_printf(out, OUT_ELLIPSIS " and %u more facts read\n",
              vr->rules[i].more);
  }
  if (unknown_lines(out, r, vr, i))
    return;
  f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (report_resolve(r, vr, &f[k]))
      missing_line(out, &f[k]);
    else
      out->oom = true;
}

/* "WAIVED (was FAIL): justification" with who, ticket and expiry; or
 * "expired waiver: ..." for one that no longer applies. */
static void waiver_line(sbuf *out, const rule_result *rr) {
  const waiver *w = rr->waiver;
  if (!w)
    return;
  detail(out, 0, "");
  sb_printf(out, rr->waiver_expired ? "expired waiver (%s stays): "
                                    : "WAIVED (was %s): ",
            verdict_name(rr->v));
  out_text(out, w->justification);
  sb_puts(out, " — ");
  out_text(out, w->owner);
  if (w->ticket) {
    sb_puts(out, ", ");
    out_text(out, w->ticket);
  }
  if (w->expires)
    sb_printf(out, rr->waiver_expired ? ", expired %s" : ", until %s",
              w->expires);
  sb_putc(out, '\n');
}

/* Where a rule imported from a module is defined (docs/policies.md,
 * "Organisation libraries"); nothing for the policy's own rules. */
static void from_line(sbuf *out, const policy *p, const rule *ru) {
  if (!ru->file || !p->file || !strcmp(ru->file, p->file))
    return;
  detail(out, 0, "from: ");
  out_text(out, ru->file);
  sb_printf(out, ":%u\n", ru->line);
}

/* "not applicable: when X is false": the part of `when` that was. */
static void skipped_line(sbuf *out, const report *r, const vendor_result *vr,
                         uint32_t i) {
  const char *when = render_skipped(r, vr, i, out);
  if (!when)
    return;
  const char *label = "not applicable: when ";
  detail(out, 0, label);
  out_para(out, when, DETAIL_COL + strlen(label));
  sb_puts(out, " is false\n");
}

static void rule_block(sbuf *out, const report *r, const vendor_result *vr,
                       uint32_t i, size_t idw, int flags) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  rule_head(out, ru, rr, idw, flags);
  from_line(out, r->pol, ru);
  if (vr->was && vr->was[i] - 1 != (int)rr->v)
    para_line(out, "was: ", verdict_name((verdict)(vr->was[i] - 1)));
  refs_line(out, ru);
  rule_facts(out, r, vr, i);
  skipped_line(out, r, vr, i);
  waiver_line(out, rr);
  para_line(out, "reason: ", rr->reason);
  para_line(out, "message: ", report_message(r, vr, i));
}

/* One row of count columns, each right-aligned under its heading. */
static void count_row(sbuf *out, const char *label, const uint32_t *n) {
  uint32_t total = 0;
  out_cell(out, label, 9, true);
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
    uint32_t line[5];
    for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
      line[v] = vr->count[v][s];
      all[v] += line[v];
    }
    snprintf(label, sizeof label, "  %s", severity_name((severity)s));
    count_row(out, label, line);
  }
  count_row(out, "  total", all);
}

/* "Result: COMPLIANT" or "NOT COMPLIANT", then which must-rules made it
 * so; unknown must-rules as [unknown] says. */
static void result_lines(sbuf *out, const renderer *w, row vs,
                         bool compliant) {
  const policy *p = w->pol;
  sb_puts(out, "Result: ");
  put_compliant(out, compliant, "COMPLIANT", "NOT COMPLIANT", 0, w->flags);
  sb_putc(out, '\n');
  must_line(out, p, vs, VD_FAIL, "  failed must-rules: ");
  must_line(out, p, vs, VD_ERROR, "  must-rules in error: ");
  if (w->unknown == UNKNOWN_FAIL)
    must_line(out, p, vs, VD_UNKNOWN,
              "  unknown must-rules (--unknown=fail, not compliant): ");
  else if (w->unknown == UNKNOWN_WARN)
    must_line(out, p, vs, VD_UNKNOWN,
              "  warning: unknown must-rules (--unknown=warn): ");
}

static void render_single(renderer *w, const report *r, uint32_t j,
                          row vs, sbuf *out) {
  const policy *p = w->pol;
  const vendor_result *vr = &r->vendors[j];
  size_t idw = id_width(p, 0);
  policy_header(p, out);
  vendor_header(vr, out);
  sb_putc(out, '\n');
  for (uint32_t i = 0; i < p->nrules; i++)
    rule_block(out, r, vr, i, idw, w->flags);
  sb_putc(out, '\n');
  summary_table(out, vr);
  sb_putc(out, '\n');
  result_lines(out, w, vs, vr->compliant);
}

/* ==== several vendors: the matrix ======================================= */

/* The matrix's view of what text_state kept. */
typedef struct matrix {
  const renderer *w;      /* for render_spill between long rows */
  const policy *p;
  const text_state *st;
  int flags;
  unknown_mode unknown;
  size_t idw, titlew, vw; /* column widths */
  bool numbered;          /* vendor heads start with their number */
  bool oom;               /* the layout ran out of memory */
} matrix;

static row cells_of(const matrix *m, size_t j) {
  return m->st->cells + j * m->p->nrules;
}

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

/* The name [name] for a column head: without a leading or trailing legal
 * form; *[n] gets its length. The whole name when nothing would remain. */
static const char *short_name(const char *name, size_t *n) {
  const char *s = nz(name);
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
    s = nz(name);
    len = strlen(s);
  }
  *n = len;
  return s;
}

/* The column head of vendor [j] into [t]: its short name cut to the
 * column, after its number when the layout says so. */
static void vendor_head(sbuf *t, const matrix *m, size_t j) {
  size_t n, width = m->vw;
  const char *s = short_name(m->st->v[j].name, &n);
  t->len = 0;
  if (t->p)
    t->p[0] = '\0';
  if (m->numbered) {
    sb_printf(t, "%zu ", j + 1);
    width = t->len < width ? width - t->len : 1;
  }
  out_span(t, s, n, width, false);
  sb_putc(t, '\0');
  if (!t->oom) /* else nothing was added: len is what it was */
    t->len--;
}

/* Whether two vendors' column heads read the same. Heads are compared by
 * a sorted copy, so a long stream costs n log n, not n squared. */
static int head_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool heads_collide(matrix *m) {
  size_t n = m->st->nv;
  arena a;
  arena_init(&a, 0, &m->st->a.m);
  char **heads = arena_alloc(&a, (n + 1) * sizeof *heads);
  bool same = false;
  sbuf t;
  sb_init(&t, &m->st->a.m);
  for (size_t j = 0; heads && j < n; j++) {
    vendor_head(&t, m, j);
    heads[j] = arena_strndup(&a, t.p ? t.p : "", t.len);
  }
  if (heads && !a.failed && !t.oom) {
    qsort(heads, n, sizeof *heads, head_cmp);
    for (size_t j = 1; j < n && !same; j++)
      same = strcmp(heads[j - 1], heads[j]) == 0;
  } else {
    m->oom = true; /* the heads could not be compared */
  }
  sb_free(&t);
  arena_free(&a);
  return same;
}

static size_t max_title_width(const policy *p) {
  size_t w = 5; /* "title" */
  for (uint32_t i = 0; i < p->nrules; i++) {
    size_t tw = out_width(p->rules[i].title);
    w = tw > w ? tw : w;
  }
  return w;
}

/* The widths of the matrix's columns. With no width to fit (piped, no
 * COLUMNS: nothing wraps), every vendor's short name and every title is
 * whole. Given the renderer's width (a terminal's, --width), vendor
 * columns are at most VENDOR_MAX and narrow, down to VERDICT_W, while titles would get less than
 * TITLE_WANT (the legend names the vendors in full, nothing names the
 * rules but their titles); titles take the rest, at least TITLE_MIN, no
 * more than the longest. What still does not fit runs past the width. */
static void matrix_layout(matrix *m) {
  size_t names = VERDICT_W, n = m->st->nv, len;
  for (size_t j = 0; j < n; j++) {
    const char *s = short_name(m->st->v[j].name, &len);
    size_t w = out_span_width(s, len);
    names = w > names ? w : names;
  }
  m->idw = id_width(m->p, 9); /* "compliant" */
  m->vw = names;
  size_t longest = max_title_width(m->p);
  m->titlew = longest;
  size_t budget = m->w->width, fixed = m->idw + GAP + SEV_W;
  if (budget) {
    m->vw = names < VENDOR_MAX ? names : VENDOR_MAX;
    while (m->vw > VERDICT_W &&
           fixed + n * (m->vw + GAP) + GAP + TITLE_WANT > budget)
      m->vw--;
    size_t used = fixed + n * (m->vw + GAP) + GAP;
    size_t rest = used + TITLE_MIN < budget ? budget - used : TITLE_MIN;
    m->titlew = longest < rest ? longest : rest;
  }
  m->numbered = false;
  m->numbered = heads_collide(m);
}

/* The three left cells of a matrix line, padded, with the gap after. */
static void left_cells(sbuf *out, const matrix *m, const char *id,
                       const char *sev, const char *title) {
  out_cell(out, id, m->idw, true);
  out_spaces(out, GAP);
  out_cell(out, sev, SEV_W, true);
  out_spaces(out, GAP);
  out_cell(out, title, m->titlew, true);
}

static void dashes(sbuf *out, size_t n) {
  for (; n > 0; n--)
    sb_putc(out, '-');
}

static void rule_line(sbuf *out, const matrix *m) {
  dashes(out, m->idw);
  out_spaces(out, GAP);
  dashes(out, SEV_W);
  out_spaces(out, GAP);
  dashes(out, m->titlew);
  for (size_t j = 0; j < m->st->nv; j++) {
    out_spaces(out, GAP);
    dashes(out, m->vw);
  }
  sb_putc(out, '\n');
}

static void matrix_head(sbuf *out, const matrix *m) {
  sbuf t;
  sb_init(&t, &out->m);
  left_cells(out, m, "rule", "sev", "title");
  for (size_t j = 0; j < m->st->nv; j++) {
    out_spaces(out, GAP);
    vendor_head(&t, m, j);
    sb_puts(out, nz(t.p)); /* sanitised already */
    if (j + 1 < m->st->nv && out_width(nz(t.p)) < m->vw)
      out_spaces(out, m->vw - out_width(nz(t.p)));
  }
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
  rule_line(out, m);
}

static void matrix_row(sbuf *out, const matrix *m, uint32_t i) {
  const rule *ru = &m->p->rules[i];
  size_t n = m->st->nv;
  left_cells(out, m, ru->id, severity_name(ru->sev), ru->title);
  for (size_t j = 0; j < n; j++) {
    out_spaces(out, GAP);
    uint8_t c = cells_of(m, j)[i];
    if (c & CELL_WAIVED) /* the verdict it replaces is in "Waivers" */
      out_colored(out, "WAIVED", "36", m->vw, j + 1 < n,
                  m->flags & RENDER_COLOR);
    else
      put_verdict(out, (verdict)(c & CELL_VERDICT), m->vw, j + 1 < n,
                m->flags);
  }
  sb_putc(out, '\n');
}

static void compliant_row(sbuf *out, const matrix *m) {
  size_t n = m->st->nv;
  left_cells(out, m, "compliant", "", "");
  for (size_t j = 0; j < n; j++) {
    out_spaces(out, GAP);
    put_compliant(out, m->st->v[j].compliant, "yes", "no",
                  j + 1 < n ? m->vw : 0, m->flags);
  }
  sb_putc(out, '\n');
}

/* "  N  name — service (source)" for each vendor, in column order: the
 * full names that the matrix's column heads may shorten. */
static void vendor_legend(sbuf *out, const matrix *m) {
  sb_puts(out, "Vendors\n");
  for (size_t j = 0; j < m->st->nv; j++) {
    const mvendor *v = &m->st->v[j];
    sb_printf(out, "%3zu  ", j + 1);
    out_text(out, v->name);
    if (v->service) {
      sb_puts(out, " — ");
      out_text(out, v->service);
    }
    if (v->source) {
      sb_puts(out, " (");
      out_text(out, v->source);
      sb_putc(out, ')');
    }
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

/* The per-vendor count table: counts per verdict, compliant, and the
 * vendor's full name last, so no name is cut. */
static void vendor_counts(sbuf *out, const matrix *m) {
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(out, "%s%s", v ? "  " : "", verdict_name((verdict)v));
  sb_puts(out, "  compliant  vendor\n");
  for (size_t j = 0; j < m->st->nv; j++) {
    uint32_t c[5] = {0};
    for (uint32_t i = 0; i < m->p->nrules; i++)
      c[cells_of(m, j)[i] & CELL_VERDICT]++;
    for (int v = VD_PASS; v <= VD_SKIPPED; v++)
      sb_printf(out, "%s%*u", v ? "  " : "",
                (int)strlen(verdict_name((verdict)v)), c[v]);
    sb_puts(out, "  ");
    put_compliant(out, m->st->v[j].compliant, "yes", "no", 9, m->flags);
    sb_puts(out, "  ");
    out_text(out, m->st->v[j].name);
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

/* " LABEL ids" for the must-rules that ended in [v], after a ";" unless
 * [first]; *[col] tracks the cursor's column. Returns whether the next
 * group is still the first. */
static bool must_group(sbuf *out, const policy *p, row vs, verdict v,
                       const char *label, bool first, size_t *col) {
  if (!must_count(p, vs, v))
    return first;
  sb_puts(out, first ? " " : "; ");
  sb_puts(out, label);
  *col += (first ? 1 : 2) + strlen(label);
  *col = put_must_ids(out, p, vs, v, *col);
  return false;
}

/* Per vendor, the must-rules that kept it from compliance (FAIL, ERROR,
 * and UNKNOWN as the unknown mode says). */
static void must_not_met(sbuf *out, const matrix *m) {
  sb_puts(out, "Must-rules not met\n");
  for (size_t j = 0; j < m->st->nv; j++) {
    row vs = cells_of(m, j);
    bool first = true;
    size_t col = 3 + out_width(m->st->v[j].name);
    sb_puts(out, "  ");
    out_text(out, m->st->v[j].name);
    sb_putc(out, ':');
    first = must_group(out, m->p, vs, VD_FAIL, "FAIL ", first, &col);
    first = must_group(out, m->p, vs, VD_ERROR, "ERROR ", first, &col);
    if (m->unknown == UNKNOWN_FAIL)
      first = must_group(out, m->p, vs, VD_UNKNOWN, "UNKNOWN ", first, &col);
    else if (m->unknown == UNKNOWN_WARN)
      first = must_group(out, m->p, vs, VD_UNKNOWN, "UNKNOWN (warning) ",
                         first, &col);
    sb_puts(out, first ? " none\n" : "\n");
    render_spill(m->w, out);
  }
}

/* Per vendor, the rules a waiver accepted (with the verdict each
 * replaces) and those whose waiver had expired; nothing when none. */
static void waiver_lists(sbuf *out, const matrix *m) {
  bool head = false;
  for (size_t j = 0; j < m->st->nv; j++) {
    row vs = cells_of(m, j);
    bool first = true;
    for (uint32_t i = 0; i < m->p->nrules; i++) {
      if (!(vs[i] & (CELL_WAIVED | CELL_EXPIRED)))
        continue;
      if (!head)
        sb_puts(out, "\nWaivers\n");
      head = true;
      if (first) {
        sb_puts(out, "  ");
        out_text(out, m->st->v[j].name);
        sb_putc(out, ':');
      }
      sb_puts(out, first ? " " : ", ");
      first = false;
      out_text(out, m->p->rules[i].id);
      sb_printf(out, (vs[i] & CELL_WAIVED) ? " (%s, WAIVED)"
                                           : " (%s, waiver expired)",
                verdict_name((verdict)(vs[i] & CELL_VERDICT)));
    }
    if (!first)
      sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

static void render_matrix(const renderer *w, sbuf *out) {
  matrix m = {w, w->pol, w->state, w->flags, w->unknown, 0, 0, 0, false, false};
  matrix_layout(&m);
  out->oom |= m.oom;
  policy_header(m.p, out);
  sb_putc(out, '\n');
  vendor_legend(out, &m);
  sb_putc(out, '\n');
  matrix_head(out, &m);
  for (uint32_t i = 0; i < m.p->nrules; i++) {
    matrix_row(out, &m, i);
    render_spill(w, out);
  }
  rule_line(out, &m);
  compliant_row(out, &m);
  sb_putc(out, '\n');
  vendor_counts(out, &m);
  sb_putc(out, '\n');
  must_not_met(out, &m);
  waiver_lists(out, &m);
  sb_printf(out, "\nUnknown must-rules %s (--unknown=%s).\n",
            unknown_mode_effect(m.unknown), unknown_mode_name(m.unknown));
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

/* "Stamp" and its lines (render_stamp.c), after a blank line. */
static void stamp_block(const renderer *w, sbuf *out) {
  sb_puts(out, "\nStamp\n");
  stamp_each(w, stamp_line, out);
}

/* ==== the member ======================================================== */

static void text_begin(renderer *w, sbuf *out) {
  text_state *st = w->state;
  POL_UNUSED(out);
  sb_init(&st->first, &w->m);
  arena_init(&st->a, 0, &w->m);
}

static const char *keep(text_state *st, const char *s) {
  return s ? arena_strndup(&st->a, s, strlen(s)) : NULL;
}

/* Keep vendor [j]'s names and verdict cells; false on out of memory. */
static bool keep_vendor(renderer *w, const vendor_result *vr) {
  text_state *st = w->state;
  size_t nr = w->pol->nrules;
  if (!mem_grow(&w->m, (void **)&st->v, &st->cap_v, st->nv + 1,
                sizeof *st->v) ||
      !mem_grow(&w->m, (void **)&st->cells, &st->cap_cells,
                (st->nv + 1) * nr + 1, 1))
    return false;
  mvendor *v = &st->v[st->nv];
  v->name = keep(st, vr->name);
  v->service = keep(st, vr->service);
  v->source = keep(st, vr->source);
  v->compliant = vr->compliant;
  for (size_t i = 0; i < nr; i++)
    st->cells[st->nv * nr + i] =
        (uint8_t)((uint8_t)vr->rules[i].v |
                  (rule_waived(&vr->rules[i]) ? CELL_WAIVED
                   : vr->rules[i].waiver ? CELL_EXPIRED : 0));
  st->nv++;
  return !st->a.failed;
}

/* Nothing is written per vendor: the text comes at the end. */
static void text_chunk(const renderer *w, const report *r, uint32_t i,
                       sbuf *out) {
  POL_UNUSED(w);
  POL_UNUSED(r);
  POL_UNUSED(i);
  POL_UNUSED(out);
}

static void text_place(renderer *w, const report *r, uint32_t i,
                       const char *text, size_t len, sbuf *out) {
  text_state *st = w->state;
  POL_UNUSED(text);
  POL_UNUSED(len);
  POL_UNUSED(out);
  if (!keep_vendor(w, &r->vendors[i])) {
    st->oom = true;
    return;
  }
  if (st->nv == 1)
    render_single(w, r, i, st->cells, &st->first);
  else if (st->nv == 2) /* a matrix after all */
    sb_free(&st->first);
}

static void text_end(renderer *w, sbuf *out) {
  text_state *st = w->state;
  out->oom |= st->oom || st->first.oom;
  if (out->oom) /* a vendor kept in part: the writer fails, no matrix */
    return;
  if (st->nv == 1) {
    sb_put(out, st->first.p, st->first.len);
  } else if (st->nv > 1) {
    render_matrix(w, out);
  } else if (w->nerrors == 0) { /* else stderr said why: no report */
    policy_header(w->pol, out);
    sb_puts(out, "\nNo vendors checked.\n");
  }
  if (st->nv || w->nerrors == 0)
    stamp_block(w, out);
}

static void text_free(renderer *w) {
  text_state *st = w->state;
  sb_free(&st->first);
  arena_free(&st->a);
  mem_free(&w->m, st->v);
  mem_free(&w->m, st->cells);
}

const render_ops render_text_ops = {"text",     sizeof(text_state),
                                    text_begin, text_chunk,
                                    text_place, NULL,
                                    text_end,   text_free};
