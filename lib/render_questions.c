/*
 * render_questions.c: --questions (--format questions), the questions to
 * send each vendor about what it did not disclose, as text to paste into
 * a mail (render.h; the list itself is questions.c's). One language per
 * run (--lang, Japanese by default): every line is in it, except the
 * names the vendor and the policy gave themselves. Each vendor's
 * questions are written as soon as it is checked; an input that could
 * not be checked gets a heading of its own there, saying so and why, so
 * that nobody takes its vendor for one with nothing to ask.
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "questions.h"
#include "render.h"

/* "■ name（service）", then the document and source lines. */
static void heading(sbuf *out, const vendor_result *vr, lang l) {
  sb_puts(out, "■ ");
  out_text(out, vr->name);
  if (vr->service) {
    sb_puts(out, render_word(l, W_OPEN));
    out_text(out, vr->service);
    sb_puts(out, render_word(l, W_CLOSE));
  }
  sb_putc(out, '\n');
  sbuf t;
  sb_init(&t, &out->m);
  render_document(&t, l, vr);
  if (t.len) {
    sb_printf(out, "  %s: ", render_word(l, W_DOCUMENT));
    out_text(out, t.p);
    sb_putc(out, '\n');
  }
  out->oom |= t.oom;
  sb_free(&t);
  if (vr->source) {
    sb_printf(out, "  %s: ", render_word(l, W_SOURCE));
    out_text(out, vr->source);
    sb_putc(out, '\n');
  }
}

/* "対象要件: [必須] title; [推奨] title" */
static void settles(sbuf *out, const policy *p, const question *q, lang l,
                    size_t ind) {
  out_spaces(out, ind);
  sb_printf(out, "%s:", render_word(l, W_SETTLES));
  for (uint32_t k = 0; k < q->nrules; k++) {
    const rule *ru = &p->rules[q->rules[k]];
    sb_printf(out, "%s[%s] ", k ? "; " : " ", questions_severity(ru->sev, l));
    out_text(out, questions_rule_name(ru, l));
  }
  sb_putc(out, '\n');
}

static void one(sbuf *out, const policy *p, const question *q, uint32_t num,
                lang l) {
  char head[16];
  int len = snprintf(head, sizeof head, "%u. ", num);
  size_t ind = len > 0 ? (size_t)len : 0;
  sb_puts(out, num > 1 ? "\n" : "");
  sb_puts(out, head);
  out_para(out, q->text, ind);
  sb_putc(out, '\n');
  if (q->note) {
    const char *mark = render_word(l, W_NOTE_MARK);
    out_spaces(out, ind);
    sb_puts(out, mark);
    out_para(out, q->note, ind + out_width(mark));
    sb_putc(out, '\n');
  }
  settles(out, p, q, l, ind);
}

/* "■ Not checked: SOURCE", why, and the error. */
static void questions_error(renderer *w, const char *from, const char *msg,
                            sbuf *out) {
  lang l = w->lang;
  sb_puts(out, w->nvendors + w->nerrors ? "\n" : "");
  sb_printf(out, "■ %s: ", render_word(l, W_NOT_CHECKED_HEAD));
  out_text(out, from);
  sb_puts(out, "\n  ");
  out_para(out, render_word(l, W_NOT_CHECKED_WHY), 2);
  sb_printf(out, "\n  %s: ", render_word(l, W_ERROR_TEXT));
  out_text(out, msg);
  sb_putc(out, '\n');
}

static void questions_none(renderer *w, sbuf *out) {
  POL_UNUSED(w);
  POL_UNUSED(out);
}

static void questions_chunk(const renderer *w, const report *r, uint32_t j,
                            sbuf *out) {
  const vendor_result *vr = &r->vendors[j];
  lang l = w->lang;
  arena a;
  qlist ql;
  arena_init(&a, 0, &r->a.m);
  heading(out, vr, l);
  if (!questions_build(r, vr, l, &a, &ql)) {
    out->oom = true;
    arena_free(&a);
    return;
  }
  if (ql.n) { /* "  質問 3 件" */
    const char *f = render_word(l, W_QUESTION_COUNT), *at = strstr(f, "%s");
    sb_printf(out, "  %.*s%u%s\n", (int)(at - f), f, ql.n, at + 2);
  }
  sb_putc(out, '\n');
  for (uint32_t i = 0; i < ql.n; i++)
    one(out, r->pol, &ql.q[i], i + 1, l);
  if (!ql.n)
    sb_printf(out, "%s\n", render_word(l, W_NO_QUESTIONS));
  arena_free(&a);
}

/* A blank line between vendors. */
static void questions_place(renderer *w, const report *r, uint32_t j,
                            const char *text, size_t len, sbuf *out) {
  POL_UNUSED(r);
  POL_UNUSED(j);
  sb_puts(out, w->nvendors + w->nerrors ? "\n" : "");
  sb_put(out, text, len);
}

const render_ops render_questions_ops = {
    "questions",     0,               questions_none, questions_chunk,
    questions_place, questions_error, questions_none, NULL};
