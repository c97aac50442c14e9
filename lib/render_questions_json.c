/*
 * render_questions_json.c: --format questions-json, the question list as
 * JSON for a program to mail, track or merge into a questionnaire
 * (render.h; the layout is docs/report-format.md's). One document, its
 * head first, each vendor's questions as soon as it is checked, one
 * question per line:
 *
 *   {"format": "questions", "version": 1, "policy": {...}, "lang": "ja",
 *    "vendors": [{"vendor": ..., "questions": [{"number": 1, ...}]}]}
 *
 * Each question carries the fact it asks about (the path `--assume`
 * takes), so the answers can be fed back.
 */
#include <string.h>

#include "out.h"
#include "questions.h"
#include "render.h"

#define QUESTIONS_FORMAT_VERSION 1

static void key(sbuf *b, const char *k, bool first, int indent) {
  sb_puts(b, first ? "" : ",");
  if (indent >= 0) {
    sb_putc(b, '\n');
    out_spaces(b, (size_t)indent);
  }
  sb_putc(b, '"');
  sb_puts(b, k);
  sb_puts(b, indent >= 0 ? "\": " : "\":");
}

static void member(sbuf *b, const char *k, const char *v, int indent) {
  key(b, k, false, indent);
  out_json_str(b, v);
}

static void requirement(sbuf *b, const rule *ru, bool first) {
  sb_puts(b, first ? "{" : ",{");
  key(b, "id", true, -1);
  out_json_str(b, ru->id);
  member(b, "title", ru->title, -1);
  member(b, "severity", severity_name(ru->sev), -1);
  sb_putc(b, '}');
}

/* One question, on one line. */
static void question_line(sbuf *b, const policy *p, const question *q,
                          uint32_t num) {
  sb_putc(b, '{');
  key(b, "number", true, -1);
  sb_put_uint(b, num);
  member(b, "fact", q->fact, -1);
  key(b, "facts", false, -1);
  for (uint32_t k = 0; k < q->nfacts; k++) {
    sb_putc(b, k ? ',' : '[');
    out_json_str(b, q->facts[k]);
  }
  sb_putc(b, ']');
  key(b, "withheld", false, -1);
  sb_puts(b, q->withheld ? "true" : "false");
  key(b, "evidence", false, -1);
  if (q->evidence)
    out_json_span(b, q->evidence->data, q->evidence->len);
  else
    sb_puts(b, "null");
  member(b, "severity", severity_name(q->sev), -1);
  member(b, "text", q->text, -1);
  member(b, "note", q->note, -1);
  key(b, "requirements", false, -1);
  sb_putc(b, '[');
  for (uint32_t k = 0; k < q->nrules; k++)
    requirement(b, &p->rules[q->rules[k]], k == 0);
  sb_puts(b, "]}");
}

static void qjson_begin(renderer *w, sbuf *b) {
  const policy *p = w->pol;
  sb_putc(b, '{');
  key(b, "format", true, 2);
  out_json_str(b, "questions");
  key(b, "version", false, 2);
  sb_put_uint(b, QUESTIONS_FORMAT_VERSION);
  key(b, "policy", false, 2);
  sb_putc(b, '{');
  key(b, "name", true, 4);
  out_json_str(b, p->name);
  member(b, "title", p->title, 4);
  member(b, "version", p->version, 4);
  member(b, "file", p->file, 4);
  sb_puts(b, "\n  }");
  member(b, "lang", w->lang == LANG_EN ? "en" : "ja", 2);
  key(b, "vendors", false, 2);
  sb_putc(b, '[');
}

static void qjson_chunk(const renderer *w, const report *r, uint32_t j,
                        sbuf *b) {
  const vendor_result *vr = &r->vendors[j];
  arena a;
  qlist ql;
  arena_init(&a, 0, &r->a.m);
  if (!questions_build(r, vr, w->lang, &a, &ql)) {
    b->oom = true;
    arena_free(&a);
    return;
  }
  sb_putc(b, '{');
  key(b, "vendor", true, 6);
  out_json_str(b, vr->name);
  member(b, "source", vr->source, 6);
  member(b, "service", vr->service, 6);
  member(b, "document", vr->document, 6);
  member(b, "version", vr->version, 6);
  member(b, "date", vr->date, 6);
  key(b, "questions", false, 6);
  sb_putc(b, '[');
  for (uint32_t i = 0; i < ql.n; i++) {
    sb_puts(b, i ? ",\n        " : "\n        ");
    question_line(b, r->pol, &ql.q[i], i + 1);
  }
  sb_puts(b, ql.n ? "\n      ]\n    }" : "]\n    }");
  arena_free(&a);
}

/* Vendors and inputs that could not be checked share "vendors", in
 * input order. */
static void qjson_item(renderer *w, sbuf *b) {
  sb_puts(b, w->nvendors + w->nerrors ? ",\n    " : "\n    ");
}

static void qjson_place(renderer *w, const report *r, uint32_t j,
                        const char *text, size_t len, sbuf *b) {
  POL_UNUSED(r);
  POL_UNUSED(j);
  qjson_item(w, b);
  sb_put(b, text, len);
}

static void qjson_error(renderer *w, const char *src, const char *msg,
                        sbuf *b) {
  qjson_item(w, b);
  sb_putc(b, '{');
  key(b, "source", true, -1);
  out_json_str(b, src);
  member(b, "error", msg, -1);
  sb_putc(b, '}');
}

static void qjson_end(renderer *w, sbuf *b) {
  sb_puts(b, w->nvendors + w->nerrors ? "\n  ]\n}\n" : "]\n}\n");
}

const render_ops render_questions_json_ops = {
    "questions-json", 0, qjson_begin, qjson_chunk,
    qjson_place,      qjson_error, qjson_end, NULL};
