/*
 * explain_render.c: the last explained rule (explain.h) as text, a tree
 * a person can follow, or as one JSON object:
 *
 *   FAIL  must  backup_generations  バックアップを7世代以上保管すること
 *     require  backup.generations >= min_backup_generations  = false
 *       backup.generations  = 5
 *       min_backup_generations  = 7
 *     → 保管世代数（backup.generations）は 7 以上であることが必要ですが、…
 *
 * A quantifier's line is followed by the item that decided it; a node
 * that could not be evaluated says why.
 */
#include "explain.h"

#include "json.h"
#include "out.h"
#include "report.h"

/* Texts and values longer than this many columns are cut. */
enum { TEXT_COLS = 72, VALUE_COLS = 60 };

static const char *const kinds[] = {"and",  "or",   "not",  "cond",
                                    "compare", "quantifier", "let",
                                    "fact", "call", "other"};

static void value_of(sbuf *b, const xvalue *v) {
  sbuf t;
  sb_init(&t, &b->m);
  switch (v->state) {
  case XS_VALUE: val_print(&t, v->v); break;
  case XS_MISSING: sb_printf(&t, "? (missing: %s)", v->msg); break;
  case XS_ERROR: sb_printf(&t, "error: %s", v->msg); break;
  default: sb_printf(&t, "(%s)", v->msg ? v->msg : "not evaluated"); break;
  }
  sb_putc(&t, '\0');
  b->oom |= t.oom; /* NULL from pol_explain_render, never a "?" cell */
  if (!t.oom)
    out_cell(b, t.p, VALUE_COLS, false);
  sb_free(&t);
}

static void text_node(explainer *x, const xnode *n, const xvalue *v) {
  sbuf *b = &x->out;
  out_spaces(b, 2 + 2 * n->depth);
  if (n->depth == 0)
    sb_puts(b, n->role ? "require  " : "when     ");
  out_cell(b, n->text, TEXT_COLS, false);
  sb_puts(b, "  = ");
  value_of(b, v);
  sb_putc(b, '\n');
  if (n->kind == XK_QUANT && v->decided) {
    out_spaces(b, 4 + 2 * n->depth);
    sb_puts(b, "decided by ");
    out_cell(b, v->item, TEXT_COLS, false);
    sb_puts(b, " = ");
    value_of(b, &(xvalue){.state = XS_VALUE, .v = v->item_v});
    sb_putc(b, '\n');
  }
}

const char *explain_text(explainer *x) {
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  const rule *ru = &x->pol->rules[x->rule];
  sbuf *b = &x->out;
  b->len = 0;
  b->oom = false;
  sb_printf(b, "%-8s %-7s %s  ", verdict_name((verdict)x->verdict),
            severity_name(ru->sev), ru->id);
  out_text(b, ru->title);
  sb_putc(b, '\n');
  for (uint32_t i = 0; i < count; i++)
    text_node(x, &nodes[i], &x->values[i]);
  if (x->sentence) {
    sb_puts(b, "  → ");
    out_text(b, x->sentence);
    sb_putc(b, '\n');
  }
  return b->oom ? NULL : (b->p ? b->p : "");
}

/* ==== JSON =============================================================== */

static void json_value(sbuf *b, const xvalue *v) {
  static const char *const states[] = {"value", "missing", "error",
                                       "skipped"};
  sb_printf(b, "\"state\": \"%s\"", states[v->state]);
  if (v->state == XS_VALUE) {
    sb_puts(b, ", \"value\": ");
    json_write(b, v->v, 0);
  } else if (v->msg && v->state != XS_SKIPPED) {
    sb_puts(b, v->state == XS_MISSING ? ", \"missing\": " : ", \"error\": ");
    out_json_str(b, v->msg);
  }
  if (v->decided) {
    sb_puts(b, ", \"decided_by\": {\"path\": ");
    out_json_str(b, v->item);
    sb_puts(b, ", \"value\": ");
    json_write(b, v->item_v, 0);
    sb_putc(b, '}');
  }
}

static void json_node(sbuf *b, const xnode *n, const xvalue *v, bool first) {
  sb_puts(b, first ? "\n    {" : ",\n    {");
  sb_printf(b, "\"depth\": %u, \"role\": \"%s\", \"kind\": \"%s\", ",
            n->depth, n->role ? "require" : "when", kinds[n->kind]);
  if (n->name) {
    sb_puts(b, "\"name\": ");
    out_json_str(b, n->name);
    sb_puts(b, ", ");
  }
  sb_puts(b, "\"text\": ");
  out_json_str(b, n->text);
  sb_puts(b, ", ");
  json_value(b, v);
  sb_putc(b, '}');
}

const char *explain_json(explainer *x) {
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  const rule *ru = &x->pol->rules[x->rule];
  sbuf *b = &x->out;
  b->len = 0;
  b->oom = false;
  sb_puts(b, "{\"id\": ");
  out_json_str(b, ru->id);
  sb_printf(b, ", \"verdict\": \"%s\", \"severity\": \"%s\", \"title\": ",
            verdict_name((verdict)x->verdict), severity_name(ru->sev));
  out_json_str(b, ru->title);
  sb_puts(b, ", \"sentence\": ");
  out_json_str(b, x->sentence);
  sb_puts(b, ", \"nodes\": [");
  for (uint32_t i = 0; i < count; i++)
    json_node(b, &nodes[i], &x->values[i], i == 0);
  sb_puts(b, count ? "\n  ]}" : "]}");
  return b->oom ? NULL : (b->p ? b->p : "");
}
