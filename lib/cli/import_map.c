/*
 * import_map.c: the mapping of a check-sheet layout (docs/cli.md,
 * "Mapping files"): which row is the header, which column holds the row
 * number, the question, the answer, its mark and the remarks, and which
 * row gives which fact, and how. Loading checks the mapping's shape and
 * reports its mistakes where they are; applying it keeps every row of
 * the sheet under checksheet.items and derives the facts of its rules,
 * each with evidence that names the row and quotes the vendor's answer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* ==== the mapping ======================================================== */

typedef enum { R_MARK, R_PARSE, R_VALUE, R_WITHHELD } rule_kind;

typedef struct rule {
  const jnode *at;   /* the rule, for messages */
  const char *row;
  const char *path;
  rule_kind kind;
  bool invert;       /* R_MARK: × means true */
  vkind parse;       /* R_PARSE */
  const char *unit;  /* R_PARSE: a count's unit */
  const char **after; /* R_PARSE: markers, NULL-ended */
  bool range_min;
  int target;        /* -1 decide from the clause, 0 never, 1 always */
  const jnode *value; /* R_VALUE */
  const char *when_has, *unless_has; /* R_VALUE, R_WITHHELD: text tests */
  const char *in;    /* which text: "answer", "note", "question", "all" */
} rule;

/* Standard member names of an item, in the order items are written. */
static const char *const standard[] = {"section", "question", "answer",
                                       "mark", "note"};

struct mapping {
  const char *file;
  const jnode *root;
  const char *layout, *sheet_id;
  const jnode *sheet;     /* defaults for checksheet.sheets[] */
  const jnode *meta;      /* preamble values */
  const jnode *header;    /* texts that mark the header row */
  const jnode *columns;   /* member -> index (1-based) or header text */
  const jnode *fill_down; /* members copied down from the row above */
  const jnode *yes, *no, *other; /* marks */
  const jnode *refs;      /* row -> list of refs */
  const char *prefix;     /* for item keys */
  rule *rules;
  size_t nrules;
};

static bool bad_at(const mapping *m, unsigned line, unsigned col,
                   const char *msg) {
  fprintf(stderr, "%s:%u:%u: %s\n", m->file, line, col, msg);
  return false;
}

static bool bad(const mapping *m, const jnode *at, const char *msg,
                const char *what) {
  fprintf(stderr, "%s:%u:%u: %s%s\n", m->file, at ? at->line : 1,
          at ? at->col : 1, msg, what ? what : "");
  return false;
}

static const jnode *member(const jnode *o, const char *key, jn_kind k,
                           bool *ok, const mapping *m) {
  const jnode *v = jn_get(o, key);
  if (v && v->kind != k) {
    static const char *const kinds[] = {"null", "a boolean", "a number",
                                        "a string", "a list", "an object"};
    char msg[96];
    snprintf(msg, sizeof msg, "'%s' must be %s", key, kinds[k]);
    *ok = bad(m, v, msg, NULL);
    return NULL;
  }
  return v;
}

static const char *string_member(const jnode *o, const char *key, bool *ok,
                                 const mapping *m) {
  const jnode *v = member(o, key, JN_STR, ok, m);
  return v ? v->s : NULL;
}

/* False, after a message, when [o] has a member not in [known] (NULL-
 * ended): a misspelt key would otherwise be ignored without a word. */
static bool known_members(const jnode *o, const char *const *known,
                          const mapping *m) {
  for (size_t i = 0; o && o->kind == JN_OBJ && i < o->n; i++) {
    size_t k = 0;
    while (known[k] && strcmp(known[k], o->keys[i]) != 0)
      k++;
    if (!known[k]) {
      char msg[96];
      snprintf(msg, sizeof msg, "unknown member '%.60s'", o->keys[i]);
      /* Located at the member's name, which is what is misspelt. */
      return bad_at(m, o->items[i]->key_line, o->items[i]->key_col, msg);
    }
  }
  return true;
}

/* A list of strings, as given or one string made a list of one. */
static const char **strings(imp_pool *p, const jnode *v, bool *ok,
                            const mapping *m, const char *what) {
  if (!v)
    return NULL;
  size_t n = v->kind == JN_ARR ? v->n : 1;
  const char **out = imp_alloc(p, (n + 1) * sizeof *out);
  for (size_t i = 0; i < n; i++) {
    const jnode *s = v->kind == JN_ARR ? v->items[i] : v;
    if (s->kind != JN_STR) {
      *ok = bad(m, s, what, " must be a string or a list of strings");
      return NULL;
    }
    out[i] = s->s;
  }
  return out;
}

/* ==== rules ============================================================== */

static bool parse_kind(const char *s, vkind *k) {
  static const struct {
    const char *name;
    vkind kind;
  } kinds[] = {{"duration", VK_DURATION}, {"count", VK_COUNT},
               {"percent", VK_PERCENT},   {"date", VK_DATE},
               {"interval", VK_INTERVAL}, {"per_year", VK_PER_YEAR}};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (strcmp(kinds[i].name, s) == 0) {
      *k = kinds[i].kind;
      return true;
    }
  return false;
}

/* The kind of rule [r] from its members; false for none or several. */
static bool rule_kind_of(const jnode *j, rule *r, const mapping *m) {
  const char *keys[] = {"from", "parse", "value", "withheld_if"};
  int found = -1, count = 0;
  for (int k = 0; k < 4; k++)
    if (jn_get(j, keys[k]))
      found = k, count++;
  if (count != 1)
    return bad(m, j, "a rule needs exactly one of 'from', 'parse', "
               "'value' and 'withheld_if'", NULL);
  r->kind = found == 0 ? R_MARK : found == 1 ? R_PARSE
            : found == 2 ? R_VALUE : R_WITHHELD;
  return true;
}

static bool rule_parse(imp_pool *p, const jnode *j, rule *r,
                       const mapping *m) {
  bool ok = true;
  const char *kind = string_member(j, "parse", &ok, m);
  if (!ok || !parse_kind(kind, &r->parse))
    return bad(m, jn_get(j, "parse"), "unknown kind of value (expected "
               "duration, count, percent, date, interval or per_year)", NULL);
  r->unit = string_member(j, "unit", &ok, m);
  r->after = strings(p, jn_get(j, "after"), &ok, m, "'after'");
  const char *range = string_member(j, "range", &ok, m);
  if (range && strcmp(range, "min") && strcmp(range, "max"))
    return bad(m, jn_get(j, "range"), "'range' must be \"min\" or \"max\"",
               NULL);
  r->range_min = range && strcmp(range, "min") == 0;
  const jnode *t = member(j, "target", JN_BOOL, &ok, m);
  r->target = t ? t->b : -1;
  return ok;
}

static bool one_rule(imp_pool *p, const jnode *j, rule *r, const mapping *m) {
  static const char *const known[] = {
      "row", "path", "from", "invert", "parse", "unit", "after", "range",
      "target", "value", "if", "unless", "withheld_if", "in", "comment",
      NULL};
  bool ok = true;
  if (j->kind != JN_OBJ)
    return bad(m, j, "a rule must be an object", NULL);
  if (!known_members(j, known, m))
    return false;
  r->at = j;
  r->row = string_member(j, "row", &ok, m);
  r->path = string_member(j, "path", &ok, m);
  if (ok && (!r->row || !r->path))
    return bad(m, j, "a rule needs 'row' and 'path'", NULL);
  if (!ok || !rule_kind_of(j, r, m))
    return false;
  r->in = string_member(j, "in", &ok, m);
  r->when_has = string_member(j, "if", &ok, m);
  r->unless_has = string_member(j, "unless", &ok, m);
  if (r->kind == R_WITHHELD)
    r->when_has = string_member(j, "withheld_if", &ok, m);
  if (r->kind == R_MARK) {
    const char *from = string_member(j, "from", &ok, m);
    if (ok && strcmp(from, "mark") != 0)
      return bad(m, jn_get(j, "from"), "'from' must be \"mark\"", NULL);
    const jnode *inv = member(j, "invert", JN_BOOL, &ok, m);
    r->invert = inv && inv->b;
  }
  if (r->kind == R_VALUE)
    r->value = jn_get(j, "value");
  if (r->in && strcmp(r->in, "answer") && strcmp(r->in, "note") &&
      strcmp(r->in, "question") && strcmp(r->in, "all"))
    return bad(m, jn_get(j, "in"), "'in' must be \"answer\", \"note\", "
               "\"question\" or \"all\"", NULL);
  return ok && (r->kind != R_PARSE || rule_parse(p, j, r, m));
}

static bool load_rules(imp_pool *p, mapping *m) {
  bool ok = true;
  const jnode *facts = member(m->root, "facts", JN_ARR, &ok, m);
  if (!facts)
    return ok;
  m->rules = imp_alloc(p, (facts->n + 1) * sizeof *m->rules);
  for (size_t i = 0; i < facts->n; i++)
    if (!one_rule(p, facts->items[i], &m->rules[m->nrules++], m))
      return false;
  return true;
}

/* ==== loading ============================================================ */

static bool load_columns(mapping *m) {
  bool ok = true;
  m->columns = member(m->root, "columns", JN_OBJ, &ok, m);
  if (!ok)
    return false;
  if (!m->columns || !jn_get(m->columns, "id") ||
      (!jn_get(m->columns, "answer") && !jn_get(m->columns, "mark")))
    return bad(m, m->columns ? m->columns : m->root,
               "'columns' must give 'id', and 'answer' or 'mark'", NULL);
  for (size_t i = 0; i < m->columns->n; i++) {
    const jnode *c = m->columns->items[i];
    if (!(c->kind == JN_STR || (c->kind == JN_NUM && c->is_int &&
                                c->i >= 1 && c->i <= 1000)))
      return bad(m, c, "a column is a header text or a number from 1",
                 NULL);
  }
  return true;
}

static bool load_marks(mapping *m) {
  bool ok = true;
  const jnode *marks = member(m->root, "marks", JN_OBJ, &ok, m);
  m->yes = member(marks, "yes", JN_ARR, &ok, m);
  m->no = member(marks, "no", JN_ARR, &ok, m);
  m->other = member(marks, "other", JN_ARR, &ok, m);
  return ok;
}

mapping *mapping_load(imp_pool *p, const char *path) {
  cli_input in;
  if (!cli_read(path, &in))
    return NULL;
  mapping *m = imp_alloc(p, sizeof *m);
  m->file = path;
  m->root = jn_parse(p, in.data, in.len, path);
  free(in.data);
  if (!m->root)
    return NULL;
  static const char *const known[] = {
      "layout", "description", "sheet", "meta", "header", "columns",
      "fill_down", "marks", "refs", "id_prefix", "facts", NULL};
  if (m->root->kind != JN_OBJ)
    return bad(m, m->root, "a mapping is a JSON object", NULL), NULL;
  if (!known_members(m->root, known, m))
    return NULL;
  bool ok = true;
  m->layout = string_member(m->root, "layout", &ok, m);
  m->sheet = member(m->root, "sheet", JN_OBJ, &ok, m);
  m->sheet_id = m->sheet ? string_member(m->sheet, "id", &ok, m) : NULL;
  m->meta = member(m->root, "meta", JN_ARR, &ok, m);
  m->header = member(m->root, "header", JN_ARR, &ok, m);
  m->fill_down = member(m->root, "fill_down", JN_ARR, &ok, m);
  m->refs = member(m->root, "refs", JN_OBJ, &ok, m);
  m->prefix = string_member(m->root, "id_prefix", &ok, m);
  if (ok && (!m->layout || !m->sheet_id || !m->header))
    ok = bad(m, m->root, "a mapping needs 'layout', 'sheet' with an 'id', "
             "and 'header'", NULL);
  if (!ok || !load_columns(m) || !load_marks(m) || !load_rules(p, m))
    return NULL;
  return m;
}

/* ==== the table ========================================================== */

typedef struct item {
  const char *id;       /* the sheet's row number */
  unsigned line;        /* where the row starts */
  const char *text[16]; /* by column slot */
  unsigned tline[16], tcol[16]; /* where each slot's cell is */
  const char *mark;     /* the answer's mark, "" if none */
  const char *section;  /* the heading above it, or NULL */
  bool derived;         /* some rule gave a fact from it */
} item;

typedef struct table {
  const mapping *m;
  const sheet *s;
  const char *names[16]; /* the slots: the mapping's column names */
  int column[16];        /* slot -> cell index (0-based) */
  size_t nslots;
  size_t header_row;
  item **items;
  size_t n, cap;
  jnode *by_id;          /* row id -> its item's position (JN_NUM), so
                            that neither a row nor a rule looks through
                            every item for its id */
} table;

static int slot_of(const table *t, const char *name) {
  for (size_t i = 0; i < t->nslots; i++)
    if (strcmp(t->names[i], name) == 0)
      return (int)i;
  return -1;
}

static const char *cell_text(const sheet_row *r, int col) {
  return col >= 0 && (size_t)col < r->n ? r->cells[col].text : "";
}

/* Whether row [r] holds every header text of the mapping. */
static bool is_header(const table *t, const sheet_row *r) {
  for (size_t k = 0; k < t->m->header->n; k++) {
    bool hit = false;
    for (size_t c = 0; c < r->n && !hit; c++)
      hit = t->m->header->items[k]->kind == JN_STR &&
            strcmp(r->cells[c].text, t->m->header->items[k]->s) == 0;
    if (!hit)
      return false;
  }
  return true;
}

/* The cell index of column [spec] (a number, or a text of the header). */
static int column_index(const table *t, const jnode *spec) {
  if (spec->kind == JN_NUM)
    return (int)spec->i - 1;
  const sheet_row *h = &t->s->rows[t->header_row];
  for (size_t c = 0; c < h->n; c++)
    if (strcmp(h->cells[c].text, spec->s) == 0)
      return (int)c;
  return -1;
}

/* The header row and the column of each slot. */
static int find_columns(table *t) {
  const mapping *m = t->m;
  for (t->header_row = 0; t->header_row < t->s->n &&
                          !is_header(t, &t->s->rows[t->header_row]);
       t->header_row++)
    ;
  if (t->header_row == t->s->n) {
    fprintf(stderr, "%s:1:1: no header row (the mapping %s wants a row "
            "holding", t->s->name, m->file);
    for (size_t k = 0; k < m->header->n; k++)
      fprintf(stderr, "%s '%s'", k ? "," : "", m->header->items[k]->s);
    fputs(")\n", stderr);
    return EXIT_INPUT;
  }
  for (size_t i = 0; i < m->columns->n && t->nslots < 16; i++) {
    const jnode *spec = m->columns->items[i];
    int c = column_index(t, spec);
    if (c < 0) {
      const sheet_row *h = &t->s->rows[t->header_row];
      fprintf(stderr, "%s:%u:1: no column '%s' in the header row\n",
              t->s->name, h->line, spec->s);
      return EXIT_INPUT;
    }
    t->names[t->nslots] = m->columns->keys[i];
    t->column[t->nslots++] = c;
  }
  return EXIT_OK;
}

static bool blank_row(const sheet_row *r) {
  for (size_t c = 0; c < r->n; c++)
    if (r->cells[c].text[0])
      return false;
  return true;
}

/* Whether only fill-down columns of row [r] hold text: a heading row
 * such as a category name. */
static bool only_fill_down(const table *t, const sheet_row *r) {
  for (size_t s = 0; s < t->nslots; s++) {
    bool fill = false;
    for (size_t k = 0; t->m->fill_down && k < t->m->fill_down->n; k++)
      fill |= strcmp(t->m->fill_down->items[k]->s, t->names[s]) == 0;
    if (!fill && cell_text(r, t->column[s])[0])
      return false;
  }
  return true;
}

/* The row number in [s] with full-width ASCII (「６．１０」, 「Ａ－１」,
 * as some sheets type them) made ASCII, so that the mapping's rules and
 * refs find the row: EF BC 81..EF BD 9E are U+FF01..U+FF5E. */
static const char *row_id(imp_pool *p, const char *s) {
  if (!strstr(s, "\xEF\xBC") && !strstr(s, "\xEF\xBD"))
    return s;
  char *o = imp_alloc(p, strlen(s) + 1), *d = o;
  for (const unsigned char *c = (const unsigned char *)s; *c;) {
    unsigned u = c[0] == 0xEF && (c[1] == 0xBC || c[1] == 0xBD) && c[2]
                     ? 0xF000u | (c[1] & 0x3Fu) << 6 | (c[2] & 0x3Fu)
                     : 0;
    if (u >= 0xFF01 && u <= 0xFF5E) {
      *d++ = (char)(u - 0xFF01 + 0x21);
      c += 3;
    } else {
      *d++ = (char)*c++;
    }
  }
  *d = '\0';
  return o;
}

/* Whether the row [id] (at row index [i]) is a heading: its number
 * starts the next numbered row's number ("6" before "6.1", "2.1" before
 * "2.1.1"). An unanswered item is no heading. */
static bool heading(imp_pool *p, const table *t, size_t i, const char *id) {
  int idc = t->column[slot_of(t, "id")];
  size_t n = strlen(id);
  for (size_t j = i + 1; j < t->s->n; j++) {
    const char *next = row_id(p, cell_text(&t->s->rows[j], idc));
    if (next[0])
      return strncmp(next, id, n) == 0 && (next[n] == '.' || next[n] == '-');
  }
  return false;
}

/* Glyphs people type for one mark: Excel users write ○ as 〇 (the kanji
 * zero) or ◯, × as ✕ or x, － as - or ー; Shift_JIS has some of them
 * and not others. Each group is one mark; NULL ends a group. */
static const char *const mark_groups[] = {
    "○", "〇", "◯", "⭕", "◎", NULL,
    "×", "✕", "✖", "╳", "☓", "✗", "✘", "ｘ", "Ｘ", "x", "X", NULL,
    "－", "-", "−", "‐", "‑", "–", "—", "―", "ー", "ｰ", "─", NULL,
    NULL};

/* The group of [s] in mark_groups (its position), or -1. */
static int mark_group(const char *s) {
  int g = 0;
  for (size_t k = 0; mark_groups[k]; k++, g++)
    for (; mark_groups[k]; k++)
      if (strcmp(mark_groups[k], s) == 0)
        return g;
  return -1;
}

/* Whether the cell [text] is the mark [mk], or a glyph of its group. */
static bool is_mark(const char *text, const char *mk) {
  int g = mark_group(text);
  return strcmp(text, mk) == 0 || (g >= 0 && g == mark_group(mk));
}

/* The mapping's mark of an answer: a cell that is just a mark (or a
 * glyph people type for it), or 【有】 at its start; "" when none. */
static const char *mark_of(const mapping *m, const char *text) {
  const jnode *lists[3] = {m->yes, m->no, m->other};
  for (int l = 0; l < 3; l++)
    for (size_t k = 0; lists[l] && k < lists[l]->n; k++) {
      const char *mk = lists[l]->items[k]->s;
      char br[64];
      snprintf(br, sizeof br, "【%s】", mk);
      if (is_mark(text, mk) || strncmp(text, br, strlen(br)) == 0)
        return mk;
    }
  return "";
}

/* A mark cell that is none of the mapping's marks (△, 済, a ? where
 * Shift_JIS had no glyph): the row is kept with it verbatim, and the
 * note says that no fact is read from it. */
static void odd_mark(const table *t, const item *it, int ms) {
  const mapping *m = t->m;
  const jnode *lists[3] = {m->yes, m->no, m->other};
  fprintf(stderr, "%s:%u:%u: note: row %s: '%s' is not a mark of %s (",
          t->s->name, it->tline[ms], it->tcol[ms], it->id, it->text[ms],
          m->file);
  for (int l = 0, first = 1; l < 3; l++)
    for (size_t k = 0; lists[l] && k < lists[l]->n; k++, first = 0)
      fprintf(stderr, "%s%s", first ? "" : " ", lists[l]->items[k]->s);
  fputs("); the row is kept, no fact is read from its mark\n", stderr);
}

/* +1 for a yes mark, -1 for a no mark, 0 otherwise. */
static int mark_sign(const mapping *m, const char *mark) {
  for (size_t k = 0; m->yes && k < m->yes->n; k++)
    if (strcmp(m->yes->items[k]->s, mark) == 0)
      return 1;
  for (size_t k = 0; m->no && k < m->no->n; k++)
    if (strcmp(m->no->items[k]->s, mark) == 0)
      return -1;
  return 0;
}

static void append_text(imp_pool *p, const char **to, const char *more) {
  if (!more[0])
    return;
  *to = (*to)[0] ? imp_printf(p, "%s\n%s", *to, more) : more;
}

/* ==== items ============================================================== */

static const char *text_of(const table *t, const item *it, const char *name) {
  int s = slot_of(t, name);
  return s >= 0 && it->text[s] ? it->text[s] : "";
}

/* The checksheet.items entry of [it]: the sheet, the standard members,
 * the layout's other columns, the guideline refs of the row. */
static jnode *item_node(imp_pool *p, const table *t, const item *it) {
  jnode *o = jn_new(p, JN_OBJ);
  jn_set(p, o, "sheet", jn_str(p, t->m->sheet_id));
  const char *sec = slot_of(t, "section") >= 0 ? text_of(t, it, "section")
                                               : it->section;
  if (sec && sec[0])
    jn_set(p, o, "section", jn_str(p, sec));
  for (size_t k = 1; k < sizeof standard / sizeof *standard; k++) {
    if (strcmp(standard[k], "mark") == 0)
      jn_set(p, o, "mark", jn_str(p, it->mark));
    else if (slot_of(t, standard[k]) >= 0)
      jn_set(p, o, standard[k], jn_str(p, text_of(t, it, standard[k])));
  }
  for (size_t s = 0; s < t->nslots; s++) {
    bool std = strcmp(t->names[s], "id") == 0;
    for (size_t k = 0; k < sizeof standard / sizeof *standard; k++)
      std |= strcmp(standard[k], t->names[s]) == 0;
    if (!std)
      jn_set(p, o, t->names[s], jn_str(p, it->text[s] ? it->text[s] : ""));
  }
  const jnode *refs = jn_get(t->m->refs, it->id);
  if (refs && refs->kind == JN_ARR && refs->n) {
    imp_buf b;
    imp_buf_init(&b, p);
    for (size_t k = 0; k < refs->n; k++)
      imp_buf_printf(&b, "%s%s", k ? ", " : "", refs->items[k]->s);
    jn_set(p, o, "ref", jn_str(p, b.s));
  }
  return o;
}

/* A new item from row [r] with number [id]. */
static item *new_item(imp_pool *p, table *t, const sheet_row *r,
                      const char *id, const char *fill[16]) {
  item *it = imp_alloc(p, sizeof *it);
  it->id = id;
  it->line = r->line;
  for (size_t s = 0; s < t->nslots; s++) {
    const char *c = cell_text(r, t->column[s]);
    it->text[s] = c[0] || !fill[s] ? c : fill[s];
    bool here = t->column[s] >= 0 && (size_t)t->column[s] < r->n;
    it->tline[s] = here ? r->cells[t->column[s]].line : r->line;
    it->tcol[s] = here ? r->cells[t->column[s]].col : 1;
  }
  int ms = slot_of(t, "mark");
  it->mark = mark_of(t->m, ms >= 0 ? it->text[ms]
                                   : text_of(t, it, "answer"));
  if (ms >= 0 && !it->mark[0] && it->text[ms][0]) {
    odd_mark(t, it, ms);
    it->mark = it->text[ms];
  }
  return it;
}

/* Fill-down columns take the last value given above them. */
static void remember_fill(const table *t, const sheet_row *r,
                          const char *fill[16]) {
  for (size_t k = 0; t->m->fill_down && k < t->m->fill_down->n; k++) {
    int s = slot_of(t, t->m->fill_down->items[k]->s);
    if (s >= 0 && cell_text(r, t->column[s])[0])
      fill[s] = cell_text(r, t->column[s]);
  }
}

static item *find_item(const table *t, const char *id) {
  const jnode *at = jn_get(t->by_id, id);
  return at ? t->items[at->i] : NULL;
}

static bool duplicate(const table *t, const char *id, const sheet_row *r) {
  const item *first = find_item(t, id);
  if (first)
    fprintf(stderr, "%s:%u:1: row %s is in the sheet twice (first at "
            "line %u)\n", t->s->name, r->line, id, first->line);
  return first != NULL;
}

/* One data row: a heading, the continuation of the item above, or an
 * item. Returns EXIT_OK or EXIT_INPUT. */
static int data_row(imp_pool *p, table *t, size_t i, const char *fill[16],
                    const char **section) {
  const sheet_row *r = &t->s->rows[i];
  const char *id = row_id(p, cell_text(r, t->column[slot_of(t, "id")]));
  remember_fill(t, r, fill);
  if (!id[0] && only_fill_down(t, r))
    return EXIT_OK;
  if (!id[0] && t->n) {
    item *last = t->items[t->n - 1];
    for (size_t s = 0; s < t->nslots; s++)
      if (strcmp(t->names[s], "id") != 0)
        append_text(p, &last->text[s], cell_text(r, t->column[s]));
    return EXIT_OK;
  }
  if (!id[0]) {
    fprintf(stderr, "%s:%u:1: a row without a number before any numbered "
            "row\n", t->s->name, r->line);
    return EXIT_INPUT;
  }
  int as = slot_of(t, "answer"), ms = slot_of(t, "mark");
  int ns = slot_of(t, "note");
  const char *answer = as >= 0 ? cell_text(r, t->column[as]) : "";
  if (!answer[0] && (ms < 0 || !cell_text(r, t->column[ms])[0]) &&
      (ns < 0 || !cell_text(r, t->column[ns])[0]) && heading(p, t, i, id)) {
    int qs = slot_of(t, "question");
    *section = imp_printf(p, "%s %s", id, qs >= 0 ? cell_text(r,
                                                     t->column[qs]) : "");
    return EXIT_OK;
  }
  if (duplicate(t, id, r))
    return EXIT_INPUT;
  item *it = new_item(p, t, r, id, fill);
  it->section = *section;
  jn_set(p, t->by_id, id, jn_int(p, (long long)t->n));
  imp_push(p, (void ***)&t->items, &t->n, &t->cap, it);
  return EXIT_OK;
}

static int read_items(imp_pool *p, table *t) {
  const char *fill[16] = {0}, *section = NULL;
  for (size_t i = t->header_row + 1; i < t->s->n; i++) {
    const sheet_row *r = &t->s->rows[i];
    if (blank_row(r) || is_header(t, r))
      continue;
    int rc = data_row(p, t, i, fill, &section);
    if (rc != EXIT_OK)
      return rc;
  }
  return EXIT_OK;
}

/* ==== the sheet's own data =============================================== */

/* The value of meta entry [e] from the rows above the header. */
static const char *meta_value(imp_pool *p, const table *t, const jnode *e) {
  const char *prefix = jn_get(e, "prefix") ? jn_get(e, "prefix")->s : NULL;
  const jnode *keep = jn_get(e, "keep_prefix");
  for (size_t i = 0; i < t->header_row; i++)
    for (size_t c = 0; c < t->s->rows[i].n; c++) {
      const char *text = t->s->rows[i].cells[c].text;
      if (!text[0] || (prefix && strncmp(text, prefix, strlen(prefix))))
        continue;
      const char *v = prefix && !(keep && keep->b) ? text + strlen(prefix)
                                                   : text;
      const jnode *parse = jn_get(e, "parse");
      return parse && strcmp(parse->s, "date") == 0 ? value_date(p, v) : v;
    }
  return NULL;
}

static jnode *sheet_node(imp_pool *p, const table *t) {
  jnode *o = jn_new(p, JN_OBJ);
  static const char *const keys[] = {"id", "name", "version", "date",
                                     "basis"};
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
    const jnode *d = jn_get(t->m->sheet, keys[k]);
    if (d && d->kind == JN_STR)
      jn_set(p, o, keys[k], jn_str(p, d->s));
  }
  for (size_t i = 0; t->m->meta && i < t->m->meta->n; i++) {
    const jnode *e = t->m->meta->items[i], *key = jn_get(e, "key");
    const char *v = key && key->kind == JN_STR ? meta_value(p, t, e) : NULL;
    if (v)
      jn_set(p, o, key->s, jn_str(p, v));
  }
  jn_set(p, o, "layout", jn_str(p, t->m->layout));
  return o;
}


/* ==== rules ============================================================== */

typedef struct applier {
  imp_pool *p;
  const table *t;
  import_out *out;
  const char *(*check)(void *ctx, const char *json);
  void *ctx;
} applier;

/* The text rule [r] reads: a column, or the answer and the note. */
static const char *rule_text(imp_pool *p, const table *t, const rule *r,
                             const item *it) {
  const char *in = r->in ? r->in : "all";
  if (strcmp(in, "all") != 0)
    return text_of(t, it, in);
  const char *a = text_of(t, it, "answer"), *n = text_of(t, it, "note");
  return a[0] && n[0] ? imp_printf(p, "%s\n%s", a, n) : a[0] ? a : n;
}

/* "row 6.8 (○): " or "row A-1: ". */
static const char *row_label(imp_pool *p, const item *it) {
  return it->mark[0] ? imp_printf(p, "row %s (%s): ", it->id, it->mark)
                     : imp_printf(p, "row %s: ", it->id);
}

static const char *tail_start(const char *a) {
  while (*a == ' ')
    a++;
  return a;
}

/* The end of the question [s] to quote with its mark: the last clause
 * (after 。 or 、) that is at least [min] characters long, within [max]
 * characters; else the last [max] characters. */
static const char *tail(const char *s, size_t min, size_t max) {
  const char *a = s + strlen(s);
  for (size_t k = 0; a > s && k < max; k++) {
    do
      a--;
    while (a > s && ((unsigned char)*a & 0xC0) == 0x80);
    bool comma = strncmp(a, "。", strlen("。")) == 0 ||
                 strncmp(a, "、", strlen("、")) == 0;
    if (comma && k >= min && a[strlen("。")])
      return tail_start(a + strlen("。"));
  }
  return tail_start(a);
}

/* Evidence of a mark: the answer's first clause when the mark opens it
 * (【有】 ...), else the end of the question with the mark. */
static const char *mark_evidence(imp_pool *p, const table *t,
                                 const item *it) {
  const char *ans = text_of(t, it, "answer");
  if (strncmp(ans, "【", strlen("【")) == 0) {
    /* the mark and the clause after it, which says what it is about */
    size_t q = strlen("【】") + strlen(it->mark);
    while (ans[q] == ' ' || strncmp(ans + q, "・", strlen("・")) == 0)
      q += ans[q] == ' ' ? 1 : strlen("・");
    const char *frag = ans[q] ? value_fragment(p, ans, q, q) : "";
    const char *at = frag[0] ? strstr(ans, frag) : NULL;
    size_t end = at ? (size_t)(at - ans) + strlen(frag) : q;
    end = end < q ? q : end;
    return imp_printf(p, "%s「%.*s」", row_label(p, it), (int)end, ans);
  }
  return imp_printf(p, "%s「%s %s」", row_label(p, it),
                    tail(text_of(t, it, "question"), 12, 48), it->mark);
}

static const char *text_evidence(imp_pool *p, const item *it,
                                 const char *text, size_t a, size_t z) {
  return imp_printf(p, "%s「%s」", row_label(p, it),
                    value_fragment(p, text, a, z));
}

/* The fact [path] = [v] alone, as JSON text for the schema check. */
static const char *fact_json(imp_pool *p, const char *path, const jnode *v) {
  imp_buf b;
  imp_buf_init(&b, p);
  size_t depth = 0;
  for (const char *s = path, *dot;; s = dot + 1, depth++) {
    dot = strchr(s, '.');
    imp_buf_printf(&b, "{\"%.*s\": ", (int)(dot ? (size_t)(dot - s)
                                                : strlen(s)), s);
    if (!dot)
      break;
  }
  jn_write(&b, v, 0);
  for (size_t k = 0; k <= depth; k++)
    imp_buf_puts(&b, "}");
  return b.s;
}

/* The object that holds the last part of [path], made as needed; NULL
 * when a part on the way is not an object. */
static jnode *parent_of(imp_pool *p, jnode *facts, const char *path,
                        const char **leaf) {
  jnode *o = facts;
  for (const char *s = path, *dot; (dot = strchr(s, '.')); s = dot + 1) {
    char *part = imp_strndup(p, s, (size_t)(dot - s));
    jnode *next = jn_get(o, part);
    if (!next) {
      next = jn_new(p, JN_OBJ);
      jn_set(p, o, part, next);
    }
    if (next->kind != JN_OBJ)
      return NULL;
    o = next;
    *leaf = dot + 1;
  }
  if (o == facts)
    *leaf = path;
  return o;
}

static const char *origin(const import_out *out, const char *path) {
  for (size_t k = 0; k < out->norigins; k++)
    if (strcmp(out->origins[k]->path, path) == 0)
      return out->origins[k]->where;
  return "?";
}

/* Record [path] = [v] from row [it] with evidence [ev]. */
static int set_fact(applier *a, const rule *r, item *it,
                    const char *path, jnode *v, const char *ev) {
  const mapping *m = a->t->m;
  const char *problem = a->check(a->ctx, fact_json(a->p, path, v));
  if (problem) {
    fprintf(stderr, "%s:%u:%u: row %s: %s\n", m->file, r->at->line,
            r->at->col, it->id, problem);
    return EXIT_USAGE;
  }
  const char *leaf = path, *where = imp_printf(a->p, "%s:%u (row %s)",
                                        a->t->s->name, it->line, it->id);
  jnode *o = parent_of(a->p, a->out->facts, path, &leaf);
  jnode *old = o ? jn_get(o, leaf) : NULL;
  if (!o || (old && !jn_equal(old, v))) {
    imp_buf now, before;
    imp_buf_init(&now, a->p);
    imp_buf_init(&before, a->p);
    jn_write(&now, v, 0);
    if (old)
      jn_write(&before, old, 0);
    fprintf(stderr, "%s:%u:1: row %s gives %s = %s, but %s\n", a->t->s->name,
            it->line, it->id, path, now.s,
            old ? imp_printf(a->p, "%s gave %s", origin(a->out, path),
                             before.s)
                : "a fact on its path is no object");
    return EXIT_INPUT;
  }
  if (!old) {
    jn_set(a->p, o, leaf, v);
    jn_set(a->p, a->out->evidence, path, jn_str(a->p, ev));
    fact_origin *from = imp_alloc(a->p, sizeof *from);
    from->path = imp_strdup(a->p, path);
    from->where = where;
    imp_push(a->p, (void ***)&a->out->origins, &a->out->norigins,
             &a->out->cap_origins, from);
  }
  it->derived = true;
  return EXIT_OK;
}

/* The number [f] found for rule [r] as a JSON value. */
static jnode *found_value(imp_pool *p, const rule *r, const vfound *f) {
  if (r->parse == VK_DATE) {
    int v = (int)f->num, d = v % 100, mo = v / 100 % 100, y = v / 10000;
    return jn_str(p, d ? imp_printf(p, "%04d-%02d-%02d", y, mo, d)
                       : imp_printf(p, "%04d-%02d", y, mo));
  }
  double x = f->num;
  /* a whole number is an int only where an int holds it exactly (as in
   * the JSON reader): 「99999999999999999999世代」 was -2^63 generations */
  if (r->parse != VK_PERCENT && fabs(x) < 9e15 && fabs(x - round(x)) < 1e-9)
    return jn_int(p, (long long)round(x));
  jnode *v = jn_new(p, JN_NUM);
  v->num = x;
  return v;
}

/* Where the text of rule [r] is in the sheet, for messages. */
static void text_place(const table *t, const rule *r, const item *it,
                       unsigned *line, unsigned *col) {
  int s = slot_of(t, r->in && strcmp(r->in, "all") ? r->in : "answer");
  *line = s >= 0 ? it->tline[s] : it->line;
  *col = s >= 0 ? it->tcol[s] : 1;
}

/* The path [v] goes to: PATH_target for a [target], and for an upper
 * bound (「最大10世代」) PATH_max (docs/facts.md, "Commitment, target,
 * bounds") where the schema declares it: backup.generations = 10 from
 * 「最大10世代」 passed `backup.generations >= 7` for a vendor that may
 * keep 2. A fact with no _max in the schema (a deadline, whose limit is
 * the commitment) keeps its path. */
static const char *bound_path(applier *a, const char *path, const jnode *v,
                              bool bound, bool target) {
  size_t n = strlen(path);
  const char *tail = target ? "_target" : "";
  if (bound && !(n > 4 && strcmp(path + n - 4, "_max") == 0)) {
    const char *max = imp_printf(a->p, "%s_max%s", path, tail);
    if (!a->check(a->ctx, fact_json(a->p, max, v)))
      return max;
  }
  return imp_printf(a->p, "%s%s", path, tail);
}

/* A fact that holds only with an option (オプション, 有償, 個別契約) is
 * recorded under `options` at the same path (docs/facts.md, "Optional
 * and per-contract facts"): a backup of 7 generations sold as an option
 * made backup.generations 7, and `backup.generations >= 7` passed a
 * vendor whose standard service keeps fewer. NULL, after a note, when
 * the schema declares no such option: the default service's fact is
 * then not known, and is not recorded. */
static const char *option_path(applier *a, const rule *r, item *it,
                               const char *path, const jnode *v,
                               bool option) {
  if (!option || strncmp(path, "options.", 8) == 0)
    return path;
  const char *opt = imp_printf(a->p, "options.%s", path);
  if (!a->check(a->ctx, fact_json(a->p, opt, v)))
    return opt;
  fprintf(stderr, "%s:%u:%u: note: row %s: %s holds with an option "
          "only, and the schema has no %s: not recorded\n", a->t->m->file,
          r->at->line, r->at->col, it->id, path, opt);
  it->derived = true; /* read, not left as a raw row */
  return NULL;
}

static int apply_parse(applier *a, const rule *r, item *it) {
  const char *text = rule_text(a->p, a->t, r, it);
  if (!text[0] || mark_sign(a->t->m, it->mark) < 0)
    return EXIT_OK; /* no answer, or "none": nothing to parse */
  vfound f;
  char msg[256];
  const char *path = r->path;
  int rc = value_find(text, r->after, r->parse, r->unit,
                      value_path_unit(path), !r->range_min, &f, msg,
                      sizeof msg);
  unsigned line, col;
  text_place(a->t, r, it, &line, &col);
  if (rc == 1)
    snprintf(msg, sizeof msg, "no value of the kind the mapping asks for "
             "(%s:%u:%u)", a->t->m->file, r->at->line, r->at->col);
  if (rc == 0 && r->parse != VK_DATE && !(fabs(f.num) < 9e15))
    snprintf(msg, sizeof msg, "the number %g is too large (a fact's number "
             "is below 9e15)", f.num);
  if (rc != 0 || !(fabs(f.num) < 9e15)) {
    fprintf(stderr, "%s:%u:%u: row %s: %s\n", a->t->s->name, line, col,
            it->id, msg);
    return EXIT_INPUT;
  }
  size_t n = strlen(path);
  bool named = n > 7 && strcmp(path + n - 7, "_target") == 0;
  jnode *v = found_value(a->p, r, &f);
  if (!named)
    path = bound_path(a, path, v, f.bound,
                      r->target == 1 || (r->target == -1 && f.target));
  if (!(path = option_path(a, r, it, path, v, f.option)))
    return EXIT_OK;
  return set_fact(a, r, it, path, v,
                  text_evidence(a->p, it, text, f.start, f.end));
}

/* Rules that test for words: a value, or a refusal to disclose. */
static int apply_words(applier *a, const rule *r, item *it) {
  const char *text = rule_text(a->p, a->t, r, it);
  const char *hit = r->when_has ? strstr(text, r->when_has) : NULL;
  if ((r->when_has && !hit) || (r->unless_has && strstr(text, r->unless_has)))
    return EXIT_OK;
  const char *ev = hit ? text_evidence(a->p, it, text, (size_t)(hit - text),
                                       (size_t)(hit - text) +
                                           strlen(r->when_has))
                       : mark_evidence(a->p, a->t, it);
  if (r->kind == R_VALUE)
    return set_fact(a, r, it, r->path, (jnode *)r->value, ev);
  for (size_t k = 0; k < a->out->withheld->n; k++)
    if (strcmp(a->out->withheld->items[k]->s, r->path) == 0)
      return EXIT_OK;
  jn_append(a->p, a->out->withheld, jn_str(a->p, r->path));
  jn_set(a->p, a->out->evidence, r->path, jn_str(a->p, ev));
  it->derived = true;
  return EXIT_OK;
}

static int apply_rule(applier *a, const rule *r) {
  item *it = find_item(a->t, r->row);
  if (!it) {
    fprintf(stderr, "%s:%u:%u: note: row %s is not in %s\n", a->t->m->file,
            r->at->line, r->at->col, r->row, a->t->s->name);
    return EXIT_OK;
  }
  int rc = EXIT_OK;
  if (r->kind == R_MARK) {
    int sign = mark_sign(a->t->m, it->mark);
    if (!sign)
      return EXIT_OK;
    jnode *v = jn_new(a->p, JN_BOOL);
    v->b = (sign > 0) != r->invert;
    const char *text = rule_text(a->p, a->t, r, it);
    /* a yes that holds with an option only ("○ オプションにて対応"), not
     * one the standard service has ("標準で7世代、オプションで14世代") */
    bool option = v->b && !strstr(text, "標準") &&
                  import_option_words(text, 0, strlen(text));
    const char *path = option_path(a, r, it, r->path, v, option);
    rc = path ? set_fact(a, r, it, path, v, mark_evidence(a->p, a->t, it))
              : EXIT_OK;
  } else if (r->kind == R_PARSE) {
    rc = apply_parse(a, r, it);
  } else {
    rc = apply_words(a, r, it);
  }
  return rc;
}

/* ==== applying =========================================================== */

static int add_items(imp_pool *p, const table *t, import_out *out) {
  const char *prefix = t->m->prefix ? t->m->prefix : "";
  for (size_t k = 0; k < t->n; k++) {
    const char *key = imp_printf(p, "%s%s", prefix, t->items[k]->id);
    if (jn_get(out->items, key)) {
      fprintf(stderr, "%s:%u:1: row %s is in an earlier sheet too (give "
              "this mapping an 'id_prefix')\n", t->s->name,
              t->items[k]->line, key);
      return EXIT_INPUT;
    }
    jn_set(p, out->items, key, item_node(p, t, t->items[k]));
  }
  return EXIT_OK;
}

/* List on stderr the rows that gave no typed fact: they are kept only
 * as raw rows. */
static void list_raw(const table *t) {
  for (size_t k = 0; k < t->n; k++)
    if (!t->items[k]->derived)
      fprintf(stderr, "%s:%u:1: note: row %s kept as a raw row only "
              "(no rule gives a fact from it)\n", t->s->name,
              t->items[k]->line, t->items[k]->id);
}

int mapping_apply(imp_pool *p, const mapping *m, const sheet *s,
                  import_out *out,
                  const char *(*check)(void *ctx, const char *json),
                  void *ctx) {
  table t;
  memset(&t, 0, sizeof t);
  t.m = m;
  t.s = s;
  t.by_id = jn_new(p, JN_OBJ);
  int rc = find_columns(&t);
  if (rc == EXIT_OK && slot_of(&t, "id") < 0)
    rc = EXIT_USAGE;
  if (rc == EXIT_OK)
    rc = read_items(p, &t);
  if (rc == EXIT_OK) {
    jn_append(p, out->sheets, sheet_node(p, &t));
    rc = add_items(p, &t, out);
  }
  applier a = {p, &t, out, check, ctx};
  for (size_t k = 0; rc == EXIT_OK && k < m->nrules; k++)
    rc = apply_rule(&a, &m->rules[k]);
  if (rc == EXIT_OK)
    list_raw(&t);
  return rc;
}

void import_out_init(imp_pool *p, import_out *out) {
  memset(out, 0, sizeof *out);
  out->facts = jn_new(p, JN_OBJ);
  out->evidence = jn_new(p, JN_OBJ);
  out->withheld = jn_new(p, JN_ARR);
  out->sheets = jn_new(p, JN_ARR);
  out->items = jn_new(p, JN_OBJ);
}
