/*
 * render_questions.c: --questions, the questions to send each vendor for
 * its UNKNOWN rules (render.h). A rule with an `ask` text asks that
 * text; one without asks one question per missing fact; one without
 * either (an UNKNOWN with no fact recorded) asks about the rule itself.
 * Equal questions are asked once per vendor, listing every rule they
 * settle. Each vendor's questions are written as soon as it is checked.
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "render.h"

typedef enum { Q_ASK, Q_PATH, Q_RULE } qkind;

typedef struct qkey {
  qkind kind;
  const char *text; /* the ask text, the fact path, or the rule id */
} qkey;

/* One vendor's questions being written. */
typedef struct qctx {
  const report *r;
  const vendor_result *vr;
  const policy *p;
  sbuf *out;
  uint32_t num; /* questions so far */
} qctx;

static const char *nz(const char *s) { return s ? s : ""; }

/* The missing facts of rule [i], resolved. */
static fact_ref *missing(const qctx *c, uint32_t i, uint32_t *n) {
  fact_ref *f = report_refs(c->r, c->vr, i, true, n);
  for (uint32_t k = 0; k < *n; k++)
    c->out->oom |= !report_resolve(c->r, c->vr, &f[k]);
  return f;
}

/* Whether rule [i] is UNKNOWN and asks the question [k]. */
static bool rule_asks(const qctx *c, uint32_t i, qkey k) {
  const rule *ru = &c->p->rules[i];
  if (c->vr->rules[i].v != VD_UNKNOWN)
    return false;
  uint32_t n;
  fact_ref *f = missing(c, i, &n);
  if (ru->ask)
    return k.kind == Q_ASK && strcmp(ru->ask, k.text) == 0;
  if (k.kind == Q_RULE)
    return !n && strcmp(ru->id, k.text) == 0;
  for (uint32_t m = 0; k.kind == Q_PATH && m < n; m++)
    if (strcmp(f[m].path, k.text) == 0)
      return true;
  return false;
}

/* Whether a rule before [i], or the same rule's fact before [m], already
 * asked [k]. */
static bool asked_before(const qctx *c, uint32_t i, uint32_t m, qkey k) {
  for (uint32_t e = 0; e < i; e++)
    if (rule_asks(c, e, k))
      return true;
  uint32_t n;
  fact_ref *f = missing(c, i, &n);
  for (uint32_t e = 0; k.kind == Q_PATH && e < m && e < n; e++)
    if (strcmp(f[e].path, k.text) == 0)
      return true;
  return false;
}

/* The first missing fact [path] among the UNKNOWN rules that is
 * withheld or has a citation; else the first one at all. */
static const fact_ref *find_miss(const qctx *c, const char *path) {
  const fact_ref *found = NULL;
  for (uint32_t i = 0; i < c->p->nrules; i++) {
    uint32_t n;
    fact_ref *f = missing(c, i, &n);
    for (uint32_t m = 0; m < n; m++) {
      if (strcmp(f[m].path, path) != 0)
        continue;
      if (f[m].withheld || f[m].evidence)
        return &f[m];
      found = found ? found : &f[m];
    }
  }
  return found;
}

/* Put the lines of a question, each after the first starting at [ind]. */
static void q_line(sbuf *out, size_t ind, const char *label,
                   const char *text) {
  out_spaces(out, ind);
  sb_puts(out, label);
  out_para(out, text, ind + out_width(label));
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
static void path_question_ja(sbuf *t, const fact_ref *f,
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
static void path_question_en(sbuf *t, const fact_ref *f,
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
static void path_question(const qctx *c, const fact_ref *f, size_t ind) {
  const fact_decl *d = policy_fact(c->p, f->path);
  desc_parts dp = split_desc(d && d->desc ? d->desc : "");
  sbuf t;
  sb_init(&t, &c->out->m);
  path_question_ja(&t, f, &dp);
  out_text(c->out, t.p);
  sb_putc(c->out, '\n');
  t.len = 0;
  path_question_en(&t, f, &dp);
  q_line(c->out, ind, "", t.p);
  c->out->oom |= t.oom;
  sb_free(&t);
  if (f->evidence)
    q_line(c->out, ind, "根拠 / evidence: ", f->evidence->data);
}

/* For an `ask` question: a note naming the withheld facts of the rule
 * that asks it, since the author's text cannot know of the refusal. */
static void withheld_note(const qctx *c, uint32_t i, size_t ind) {
  bool any = false;
  uint32_t n;
  fact_ref *f = missing(c, i, &n);
  for (uint32_t m = 0; m < n; m++) {
    if (!f[m].withheld)
      continue;
    if (!any) {
      out_spaces(c->out, ind);
      sb_puts(c->out, "※ 非開示とのご回答をいただいている項目 / withheld:");
    }
    sb_puts(c->out, any ? ", " : " ");
    out_text(c->out, f[m].path);
    any = true;
  }
  if (any)
    sb_putc(c->out, '\n');
}

/* The question text of [k], first asked by rule [i]. */
static void question_text(const qctx *c, uint32_t i, qkey k, size_t ind) {
  const rule *ru = &c->p->rules[i];
  if (k.kind == Q_PATH) {
    path_question(c, find_miss(c, k.text), ind);
    return;
  }
  if (k.kind == Q_ASK) {
    out_para(c->out, k.text, ind);
    sb_putc(c->out, '\n');
    withheld_note(c, i, ind);
    return;
  }
  sb_puts(c->out, "「");
  out_text(c->out, nz(ru->title));
  sb_puts(c->out, "」の判断に必要な情報をご教示ください。\n");
  out_spaces(c->out, ind);
  sb_puts(c->out,
          "Please provide what we need to assess this requirement.\n");
}

/* "対象要件 / rules: ids" of every rule that asks [k]. */
static void question_rules(const qctx *c, qkey k, size_t ind) {
  bool first = true;
  out_spaces(c->out, ind);
  sb_puts(c->out, "対象要件 / rules:");
  for (uint32_t i = 0; i < c->p->nrules; i++) {
    if (!rule_asks(c, i, k))
      continue;
    sb_puts(c->out, first ? " " : ", ");
    out_text(c->out, c->p->rules[i].id);
    first = false;
  }
  sb_putc(c->out, '\n');
}

/* Number and put question [k] unless an earlier rule asked it. */
static void maybe_ask(qctx *c, uint32_t i, uint32_t m, qkey k) {
  if (asked_before(c, i, m, k))
    return;
  char head[16];
  int len = snprintf(head, sizeof head, "%u. ", ++c->num);
  sb_puts(c->out, c->num > 1 ? "\n" : "");
  sb_puts(c->out, head);
  question_text(c, i, k, (size_t)len);
  question_rules(c, k, (size_t)len);
}

/* The questions of one UNKNOWN rule: its ask text, or one per missing
 * fact, or one about the rule. */
static void rule_questions(qctx *c, uint32_t i) {
  const rule *ru = &c->p->rules[i];
  if (c->vr->rules[i].v != VD_UNKNOWN)
    return;
  if (ru->ask) {
    maybe_ask(c, i, 0, (qkey){Q_ASK, ru->ask});
    return;
  }
  uint32_t n;
  fact_ref *f = missing(c, i, &n);
  for (uint32_t m = 0; m < n; m++)
    maybe_ask(c, i, m, (qkey){Q_PATH, f[m].path});
  if (!n)
    maybe_ask(c, i, 0, (qkey){Q_RULE, ru->id});
}

/* "■ name（service）" and the document and source lines. */
static void question_heading(sbuf *out, const vendor_result *vr) {
  sb_puts(out, "■ ");
  out_text(out, vr->name);
  if (vr->service) {
    sb_puts(out, "（");
    out_text(out, vr->service);
    sb_puts(out, "）");
  }
  sb_putc(out, '\n');
  sbuf t;
  sb_init(&t, &out->m);
  render_document(&t, vr);
  if (t.len) {
    sb_puts(out, "  document: ");
    out_text(out, t.p);
    sb_putc(out, '\n');
  }
  out->oom |= t.oom;
  sb_free(&t);
  if (vr->source) {
    sb_puts(out, "  source: ");
    out_text(out, vr->source);
    sb_putc(out, '\n');
  }
}

static void questions_none(renderer *w, sbuf *out) {
  POL_UNUSED(w);
  POL_UNUSED(out);
}

static void questions_chunk(const renderer *w, const report *r, uint32_t j,
                            sbuf *out) {
  qctx c = {r, &r->vendors[j], r->pol, out, 0};
  POL_UNUSED(w);
  question_heading(out, c.vr);
  sb_putc(out, '\n');
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    rule_questions(&c, i);
  if (!c.num)
    sb_puts(out, "質問事項はありません。 / No questions: every fact the "
                 "policy needs was disclosed.\n");
}

/* A blank line between vendors. */
static void questions_place(renderer *w, const report *r, uint32_t j,
                            const char *text, size_t len, sbuf *out) {
  POL_UNUSED(r);
  POL_UNUSED(j);
  sb_puts(out, w->nvendors ? "\n" : "");
  sb_put(out, text, len);
}

const render_ops render_questions_ops = {
    "questions",    0,    questions_none, questions_chunk,
    questions_place, NULL, questions_none, NULL};
