/*
 * render_text_matrix.c: the text report of several vendors (render.h,
 * render_text.h): the legend of vendors, one table of verdicts, the
 * counts per vendor, the must-rules each did not meet and the waivers,
 * all from the verdict cells kept while vendors streamed (cell_store).
 *
 * The table comes either way round: rules as rows (a column per vendor)
 * or vendors as rows (a column per rule, after a legend of the rules).
 * --matrix says which; auto takes rules as rows when that fits the width
 * at its narrowest, else vendors as rows when that does, else the
 * narrower of the two; with no width (piped) rules as rows.
 */
#include <stdlib.h>
#include <string.h>

#include "render_text.h"

#define GAP TEXT_GAP
#define TITLE_MIN 16   /* narrowest title column of a matrix that must
                          fit a width */
#define TITLE_WANT 30  /* vendor columns narrow to give titles this */
#define HEAD_MAX 14    /* widest vendor (or rule) column fitting a width */
#define NAME_MAX 24    /* widest vendor-name column fitting a width */
#define NAME_MIN 10    /* ... narrowed to this while the line is too wide */

typedef struct matrix {
  const renderer *w;      /* for render_spill between long rows */
  const policy *p;
  const cell_store *c;
  text_style t;
  size_t idw, sevw, titlew; /* the rule columns of rules as rows */
  size_t vw;                /* a verdict column: per vendor or per rule */
  size_t namew, compw;      /* vendor name and compliant columns */
  bool numbered;            /* column heads start with their number */
  bool oom;                 /* the layout ran out of memory */
} matrix;

static const char *nz(const char *s) { return s ? s : ""; }

static size_t widest(size_t w, const char *s) {
  size_t sw = out_width(s);
  return sw > w ? sw : w;
}

static const char *word_of(const matrix *m, word wd) {
  return render_word(m->t.l, wd);
}

/* ==== column heads ======================================================= */

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

/* The widest short name of a vendor, at least [min]. */
static size_t names_width(const matrix *m, size_t min) {
  size_t w = min, len;
  for (size_t j = 0; j < m->c->nv; j++) {
    const char *s = short_name(m->c->v[j].name, &len);
    size_t sw = out_span_width(s, len);
    w = sw > w ? sw : w;
  }
  return w;
}

/* Empty [t], keeping its out-of-memory mark (sb_reset clears it). */
static void clear(sbuf *t) {
  t->len = 0;
  if (t->p)
    t->p[0] = '\0';
}

/* Column head [k] into [t]: the text [s]/[n] cut to [width], after the
 * number k + 1 when the layout says so. */
static void head(sbuf *t, const matrix *m, size_t k, const char *s,
                 size_t n, size_t width) {
  clear(t);
  if (m->numbered) {
    sb_printf(t, "%zu ", k + 1);
    width = t->len < width ? width - t->len : 1;
  }
  out_span(t, s, n, width, false);
  sb_putc(t, '\0');
  if (!t->oom) /* else nothing was added: len is what it was */
    t->len--;
}

/* The head of the column of vendor [j] (rules as rows). */
static void vendor_head(sbuf *t, const matrix *m, size_t j) {
  size_t n;
  const char *s = short_name(m->c->v[j].name, &n);
  head(t, m, j, s, n, m->vw);
}

/* The head of the column of rule [i] (vendors as rows). */
static void rule_head(sbuf *t, const matrix *m, size_t i) {
  const char *id = m->p->rules[i].id;
  head(t, m, i, id, strlen(id), m->vw);
}

typedef void (*head_fn)(sbuf *t, const matrix *m, size_t k);

static int head_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two of the [n] column heads [fn] makes read the same. Heads are
 * compared by a sorted copy, so a long stream costs n log n, not n
 * squared. */
static bool heads_collide(matrix *m, size_t n, head_fn fn) {
  arena a;
  arena_init(&a, 0, &m->c->a.m);
  char **heads = arena_alloc(&a, (n + 1) * sizeof *heads);
  bool same = false;
  sbuf t;
  sb_init(&t, &m->c->a.m);
  for (size_t j = 0; heads && j < n; j++) {
    fn(&t, m, j);
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

/* ==== layouts ============================================================ */

static size_t max_title_width(const matrix *m) {
  size_t w = out_width(word_of(m, W_TITLE));
  for (uint32_t i = 0; i < m->p->nrules; i++)
    w = widest(w, m->p->rules[i].title);
  return w;
}

/* The columns every layout shares. */
static void common_widths(matrix *m) {
  m->idw = text_id_width(m->p, widest(out_width(word_of(m, W_RULE)),
                                      word_of(m, W_OVERALL)));
  m->sevw = widest(m->t.sev_w, word_of(m, W_SEVERITY));
  m->compw = widest(widest(out_width(word_of(m, W_OVERALL)),
                           word_of(m, W_YES)),
                    word_of(m, W_NO));
}

/* The line width of rules as rows with title and vendor columns of
 * [titlew] and [vw]. */
static size_t rules_line(const matrix *m, size_t titlew, size_t vw) {
  return m->idw + GAP + m->sevw + GAP + titlew + m->c->nv * (GAP + vw);
}

/* The line width of vendors as rows with name and rule columns of
 * [namew] and [vw]. */
static size_t vendors_line(const matrix *m, size_t namew, size_t vw) {
  return namew + GAP + m->compw + m->p->nrules * (GAP + vw);
}

/* Rules as rows. With no width to fit (piped, no COLUMNS: nothing
 * wraps), every vendor's short name and every title is whole. Given
 * one, vendor columns are at most HEAD_MAX and narrow, down to the
 * widest verdict word, while titles would get less than TITLE_WANT (the
 * legend names the vendors in full, nothing names the rules but their
 * titles); titles take the rest, at least TITLE_MIN, no more than the
 * longest. What still does not fit runs past the width. */
static void rules_layout(matrix *m) {
  size_t names = names_width(m, m->t.verdict_w), budget = m->t.width;
  size_t longest = max_title_width(m), vmin = m->t.verdict_w;
  m->vw = names;
  m->titlew = longest;
  if (budget) {
    m->vw = names < HEAD_MAX ? names : HEAD_MAX;
    while (m->vw > vmin && rules_line(m, TITLE_WANT, m->vw) > budget)
      m->vw--;
    size_t used = rules_line(m, 0, m->vw);
    size_t rest = used + TITLE_MIN < budget ? budget - used : TITLE_MIN;
    m->titlew = longest < rest ? longest : rest;
  }
  m->numbered = false;
  m->numbered = heads_collide(m, m->c->nv, vendor_head);
}

/* The widest rule id, at least the widest verdict word. */
static size_t ids_width(const matrix *m) {
  size_t w = m->t.verdict_w;
  for (uint32_t i = 0; i < m->p->nrules; i++)
    w = widest(w, m->p->rules[i].id);
  return w;
}

/* Vendors as rows, the same way round: with no width, whole ids and
 * names; with one, rule columns fit the longest id within HEAD_MAX and
 * narrow towards the widest verdict word, then the name column (at
 * most NAME_MAX) towards NAME_MIN, while the line is wider than it. */
static void vendors_layout(matrix *m) {
  size_t budget = m->t.width, vmin = m->t.verdict_w;
  m->vw = ids_width(m);
  m->namew = names_width(m, out_width(word_of(m, W_VENDOR_COL)));
  if (budget) {
    m->vw = m->vw < HEAD_MAX ? m->vw : HEAD_MAX;
    m->namew = m->namew < NAME_MAX ? m->namew : NAME_MAX;
    while (m->vw > vmin && vendors_line(m, m->namew, m->vw) > budget)
      m->vw--;
    while (m->namew > NAME_MIN && vendors_line(m, m->namew, m->vw) > budget)
      m->namew--;
  }
  m->numbered = false;
  m->numbered = heads_collide(m, m->p->nrules, rule_head);
}

/* Whether vendors are rows: as --matrix says, or for auto, when rules as
 * rows do not fit the width at their narrowest (vendor columns of the
 * widest verdict word, a title column of TITLE_MIN) and vendors as rows
 * do (rule columns of the widest verdict word, a name column of
 * NAME_MIN); when neither fits, the narrower; with no width, never. */
static bool vendors_as_rows(const matrix *m) {
  if (m->w->matrix != MATRIX_AUTO || !m->t.width)
    return m->w->matrix == MATRIX_VENDORS;
  size_t longest = max_title_width(m), vmin = m->t.verdict_w;
  size_t names = names_width(m, out_width(word_of(m, W_VENDOR_COL)));
  size_t r = rules_line(m, longest < TITLE_MIN ? longest : TITLE_MIN, vmin);
  size_t v = vendors_line(m, names < NAME_MIN ? names : NAME_MIN, vmin);
  if (r <= m->t.width)
    return false;
  return v <= m->t.width || v < r;
}

/* ==== table pieces ======================================================= */

static void dashes(sbuf *out, size_t n) {
  for (; n > 0; n--)
    sb_putc(out, '-');
}

/* Cell byte [c] as a verdict (WAIVED for a waived one: the verdict it
 * replaces is under "Waivers"), padded unless it is the line's [last]. */
static void cell(sbuf *out, const matrix *m, uint8_t c, bool last) {
  out_spaces(out, GAP);
  if (c & CELL_WAIVED)
    text_waived(out, &m->t, m->vw, !last);
  else
    text_verdict(out, &m->t, (verdict)(c & CELL_VERDICT), m->vw, !last);
}

/* The column heads [fn] makes for [n] columns, each after a gap. */
static void heads(sbuf *out, const matrix *m, size_t n, head_fn fn) {
  sbuf t;
  sb_init(&t, &out->m);
  for (size_t k = 0; k < n; k++) {
    out_spaces(out, GAP);
    fn(&t, m, k);
    sb_puts(out, nz(t.p)); /* sanitised already */
    if (k + 1 < n && out_width(nz(t.p)) < m->vw)
      out_spaces(out, m->vw - out_width(nz(t.p)));
  }
  sb_putc(out, '\n');
  out->oom |= t.oom;
  sb_free(&t);
}

/* [n] columns of [w] dashes, each after a gap. */
static void dash_columns(sbuf *out, size_t n, size_t w) {
  for (size_t k = 0; k < n; k++) {
    out_spaces(out, GAP);
    dashes(out, w);
  }
  sb_putc(out, '\n');
}

/* ==== rules as rows ====================================================== */

/* The three left cells of a line, padded. */
static void left_cells(sbuf *out, const matrix *m, const char *id,
                       const char *sev, const char *title) {
  out_cell(out, id, m->idw, true);
  out_spaces(out, GAP);
  out_cell(out, sev, m->sevw, true);
  out_spaces(out, GAP);
  out_cell(out, title, m->titlew, true);
}

static void rules_rule_line(sbuf *out, const matrix *m) {
  dashes(out, m->idw);
  out_spaces(out, GAP);
  dashes(out, m->sevw);
  out_spaces(out, GAP);
  dashes(out, m->titlew);
  dash_columns(out, m->c->nv, m->vw);
}

static void rules_table(sbuf *out, const matrix *m) {
  size_t n = m->c->nv;
  left_cells(out, m, word_of(m, W_RULE), word_of(m, W_SEVERITY),
             word_of(m, W_TITLE));
  heads(out, m, n, vendor_head);
  rules_rule_line(out, m);
  for (uint32_t i = 0; i < m->p->nrules; i++) {
    const rule *ru = &m->p->rules[i];
    left_cells(out, m, ru->id, render_severity(m->t.l, ru->sev), ru->title);
    for (size_t j = 0; j < n; j++)
      cell(out, m, cells_row(m->c, m->p, j)[i], j + 1 == n);
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
  rules_rule_line(out, m);
  left_cells(out, m, word_of(m, W_OVERALL), "", "");
  for (size_t j = 0; j < n; j++) {
    out_spaces(out, GAP);
    text_compliant(out, &m->t, m->c->v[j].compliant, W_YES, W_NO,
                   j + 1 < n ? m->vw : 0);
  }
  sb_putc(out, '\n');
}

/* ==== vendors as rows ==================================================== */

/* "  N  id  sev  title" for each rule, in column order: what the
 * columns' heads (ids, cut) stand for. */
static void rule_legend(sbuf *out, const matrix *m) {
  sb_printf(out, "%s\n", word_of(m, W_RULES));
  for (uint32_t i = 0; i < m->p->nrules; i++) {
    const rule *ru = &m->p->rules[i];
    bool titled = ru->title && strcmp(ru->title, ru->id) != 0;
    sb_printf(out, "%3u  ", i + 1);
    out_cell(out, ru->id, m->idw, true);
    out_spaces(out, GAP);
    out_cell(out, render_severity(m->t.l, ru->sev), m->t.sev_w, titled);
    if (titled) {
      size_t col = 5 + m->idw + GAP + m->t.sev_w + GAP;
      out_spaces(out, GAP);
      text_wrap_line(out, &m->t, ru->title, col,
                     col + 20 > m->t.width ? 5 : col);
    }
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
  sb_putc(out, '\n');
}

/* The row of vendor [j]: its short name, compliant, its verdicts. */
static void vendor_row(sbuf *out, const matrix *m, size_t j) {
  size_t n;
  const cell_vendor *v = &m->c->v[j];
  const char *s = short_name(v->name, &n);
  uint32_t nr = m->p->nrules;
  out_span(out, s, n, m->namew, true);
  out_spaces(out, GAP);
  text_compliant(out, &m->t, v->compliant, W_YES, W_NO, nr ? m->compw : 0);
  for (uint32_t i = 0; i < nr; i++)
    cell(out, m, cells_row(m->c, m->p, j)[i], i + 1 == nr);
  sb_putc(out, '\n');
}

static void vendors_table(sbuf *out, const matrix *m) {
  rule_legend(out, m);
  out_cell(out, word_of(m, W_VENDOR_COL), m->namew, true);
  out_spaces(out, GAP);
  out_cell(out, word_of(m, W_OVERALL), m->compw, m->p->nrules > 0);
  heads(out, m, m->p->nrules, rule_head);
  dashes(out, m->namew);
  out_spaces(out, GAP);
  dashes(out, m->compw);
  dash_columns(out, m->p->nrules, m->vw);
  for (size_t j = 0; j < m->c->nv; j++) {
    vendor_row(out, m, j);
    render_spill(m->w, out);
  }
}

/* ==== per vendor ========================================================= */

/* Vendor [v]'s legend text, "name — service (source)", sanitised. */
static void legend_text(sbuf *b, const matrix *m, const cell_vendor *v) {
  out_text(b, v->name);
  if (v->service) {
    sb_puts(b, " — ");
    out_text(b, v->service);
  }
  if (v->source) {
    sb_puts(b, word_of(m, W_OPEN));
    out_text(b, v->source);
    sb_puts(b, word_of(m, W_CLOSE));
  }
}

/* "  N  name — service (source)" for each vendor, in input order: the
 * full names that the heads may shorten; wrapped under the name when
 * there is a width (else written straight out: a long stream's legend
 * is most of the matrix's work). */
/* "  -  NOT CHECKED: file:3:25: message" for each input that could not
 * be checked after [j] vendors, *[k] the first not yet listed. */
static void errors_before(sbuf *out, const matrix *m, size_t j, size_t *k) {
  const error_store *e = &m->c->errs;
  for (; *k < e->n && e->e[*k].at <= j; (*k)++) {
    sb_printf(out, "  -  %s: ", word_of(m, W_NOT_CHECKED));
    text_not_checked(out, &m->t, &e->e[*k],
                     7 + out_width(word_of(m, W_NOT_CHECKED)), 5);
    sb_putc(out, '\n');
  }
}

/* ... and among them, where they came, each input that could not be
 * checked. */
static void vendor_legend(sbuf *out, const matrix *m) {
  sbuf b;
  size_t k = 0;
  sb_init(&b, &out->m);
  sb_printf(out, "%s\n", word_of(m, W_VENDORS));
  for (size_t j = 0; j < m->c->nv; j++) {
    errors_before(out, m, j, &k);
    sb_printf(out, "%3zu  ", j + 1);
    if (m->t.width) {
      clear(&b);
      legend_text(&b, m, &m->c->v[j]);
      out_wrap(out, nz(b.p), 5, 5, m->t.width);
    } else {
      legend_text(out, m, &m->c->v[j]);
    }
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
  errors_before(out, m, m->c->nv, &k);
  out->oom |= b.oom;
  sb_free(&b);
}

/* The per-vendor count table: counts per verdict, compliant, and the
 * vendor's full name last, so no name is cut. */
static void vendor_counts(sbuf *out, const matrix *m) {
  for (int v = VD_PASS; v <= VD_SKIPPED; v++)
    sb_printf(out, "%s%s", v ? "  " : "", render_verdict(m->t.l, (verdict)v));
  sb_printf(out, "  %s", word_of(m, W_OVERALL));
  out_spaces(out, m->compw - out_width(word_of(m, W_OVERALL)));
  sb_printf(out, "  %s\n", word_of(m, W_VENDOR_COL));
  for (size_t j = 0; j < m->c->nv; j++) {
    const cell_vendor *cv = &m->c->v[j];
    for (int v = VD_PASS; v <= VD_SKIPPED; v++)
      sb_printf(out, "%s%*u", v ? "  " : "",
                (int)out_width(render_verdict(m->t.l, (verdict)v)),
                cv->count[v]);
    sb_puts(out, "  ");
    text_compliant(out, &m->t, cv->compliant, W_YES, W_NO, m->compw);
    sb_puts(out, "  ");
    out_text(out, cv->name);
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

/* The display width of the id of the first must-rule of [vs] that ended
 * in [v]. */
static size_t first_must_width(const policy *p, text_row vs, unsigned v) {
  for (uint32_t i = 0; i < p->nrules; i++)
    if (p->rules[i].sev == SEV_MUST && (vs[i] & ~CELL_EXPIRED) == v)
      return out_width(p->rules[i].id);
  return 0;
}

/* " VERDICT ids" for the must-rules of [vs] that ended in [v], after a
 * ";" unless [first]; *[col] tracks the cursor's column. The group goes
 * on a line of its own (at column 4) when its word and first id would
 * pass the edge. Returns whether the next group is still the first. */
static bool must_group(sbuf *out, const matrix *m, text_row vs, unsigned v,
                       bool warning, bool first, size_t *col) {
  if (!text_must_count(m->p, vs, v))
    return first;
  const char *name = (v & CELL_UNCHECKED) ? word_of(m, W_NOT_CHECKED)
                                          : render_verdict(m->t.l, (verdict)v);
  size_t edge = m->t.width ? m->t.width : TEXT_WRAP_W;
  size_t need = 1 + out_width(name) + 1 + first_must_width(m->p, vs, v) +
                (warning ? out_width(word_of(m, W_WARNING_MARK)) : 0);
  if (!first) {
    sb_putc(out, ';');
    (*col)++;
  }
  if (*col > 4 && *col + need > edge) {
    sb_puts(out, "\n   ");
    *col = 3;
  }
  sb_putc(out, ' ');
  sb_puts(out, name);
  *col += 1 + out_width(name);
  if (warning)
    *col += text_say(out, &m->t, W_WARNING_MARK, NULL);
  sb_putc(out, ' ');
  *col = text_must_ids(out, &m->t, m->p, vs, v, *col + 1);
  return false;
}

/* Per vendor, the must-rules that kept it from compliance (FAIL, ERROR,
 * UNKNOWN as the unknown mode says, and those pol_check_rule did not
 * check). */
static void must_not_met(sbuf *out, const matrix *m) {
  unknown_mode um = m->w->unknown;
  sb_printf(out, "%s\n", word_of(m, W_MUST_NOT_MET));
  for (size_t j = 0; j < m->c->nv; j++) {
    text_row vs = cells_row(m->c, m->p, j);
    size_t col = 3 + out_width(m->c->v[j].name);
    sb_puts(out, "  ");
    out_text(out, m->c->v[j].name);
    sb_putc(out, ':');
    bool first = must_group(out, m, vs, VD_FAIL, false, true, &col);
    first = must_group(out, m, vs, VD_ERROR, false, first, &col);
    if (um != UNKNOWN_IGNORE)
      first = must_group(out, m, vs, VD_UNKNOWN, um == UNKNOWN_WARN, first,
                         &col);
    first = must_group(out, m, vs, VD_SKIPPED | CELL_UNCHECKED, false, first,
                       &col);
    if (first)
      sb_printf(out, " %s", word_of(m, W_NONE));
    sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

/* Vendor [j]'s waived and expired-waiver rules, after its name; false
 * when it has none. [head]: whether the heading is out already. */
static bool vendor_waivers(sbuf *out, const matrix *m, size_t j,
                           bool *head) {
  text_row vs = cells_row(m->c, m->p, j);
  bool first = true;
  for (uint32_t i = 0; i < m->p->nrules; i++) {
    if (!(vs[i] & (CELL_WAIVED | CELL_EXPIRED)))
      continue;
    if (!*head)
      sb_printf(out, "\n%s\n", word_of(m, W_WAIVERS));
    *head = true;
    if (first) {
      sb_puts(out, "  ");
      out_text(out, m->c->v[j].name);
      sb_putc(out, ':');
    }
    sb_puts(out, first ? " " : ", ");
    first = false;
    out_text(out, m->p->rules[i].id);
    text_say(out, &m->t, (vs[i] & CELL_WAIVED) ? W_WAIVED_CELL
                                               : W_EXPIRED_CELL,
             render_verdict(m->t.l, (verdict)(vs[i] & CELL_VERDICT)));
  }
  return !first;
}

/* Per vendor, the rules a waiver accepted (with the verdict each
 * replaces) and those whose waiver had expired; nothing when none. */
static void waiver_lists(sbuf *out, const matrix *m) {
  bool head = false;
  for (size_t j = 0; j < m->c->nv; j++) {
    if (vendor_waivers(out, m, j, &head))
      sb_putc(out, '\n');
    render_spill(m->w, out);
  }
}

static word unknown_sentence(unknown_mode um) {
  return um == UNKNOWN_WARN     ? W_UNKNOWN_COUNT_WARN
         : um == UNKNOWN_IGNORE ? W_UNKNOWN_COUNT_IGNORE
                                : W_UNKNOWN_COUNT_FAIL;
}

void text_matrix(const renderer *w, const cell_store *c, sbuf *out) {
  matrix m = {.w = w, .p = w->pol, .c = c};
  text_style_init(&m.t, w);
  common_widths(&m);
  bool transposed = vendors_as_rows(&m);
  if (transposed)
    vendors_layout(&m);
  else
    rules_layout(&m);
  out->oom |= m.oom;
  text_policy_head(out, &m.t, m.p, text_label_width(&m.t));
  sb_putc(out, '\n');
  vendor_legend(out, &m);
  sb_putc(out, '\n');
  if (transposed)
    vendors_table(out, &m);
  else
    rules_table(out, &m);
  sb_putc(out, '\n');
  vendor_counts(out, &m);
  sb_putc(out, '\n');
  must_not_met(out, &m);
  waiver_lists(out, &m);
  sb_printf(out, "\n%s\n", word_of(&m, unknown_sentence(w->unknown)));
  if (c->errs.total)
    text_not_checked_count(out, &m.t, &c->errs);
}
