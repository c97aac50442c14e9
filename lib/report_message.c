/*
 * report_message.c: a rule's `message` written out (report.h).
 *
 * A message is the policy author's sentence for people ("保管国:
 * {data.location.countries}"), so the values in it read as a person
 * would write them, not as CEL literals: JP、US rather than ["JP", "US"],
 * はい rather than true, 2026-04-01 rather than a timestamp() call, and
 * a value the vendor did not give as 記載なし, never a fact path. The
 * words follow the sentence's own language: Japanese when its literal
 * text (or else the rule's title) holds kana or kanji, else English
 * (docs/policies.md, `message`).
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include "pol.h"
#include "time.h"

/* The words a message's values are written with, in one language. */
typedef struct words {
  const char *yes, *no, *none, *absent, *sep, *open, *close;
  const char *day, *hour, *minute, *plural;
} words;

static const words JA = {"はい", "いいえ", "なし", "記載なし", "、", "（",
                         "）", "日", "時間", "分", ""};
static const words EN = {"yes", "no", "none", "not present", ", ", " (", ")",
                         " day", " hour", " minute", "s"};

/* Whether [s] holds a hiragana, katakana, CJK or full-width character. */
static bool japanese(const char *s) {
  for (const unsigned char *u = (const unsigned char *)s; u && *u; u++)
    if (*u == 0xE3 || (*u >= 0xE4 && *u <= 0xE9) || *u == 0xEF)
      return true; /* lead bytes of U+3000..U+9FFF and U+F000..U+FFFF */
  return false;
}

static void human(sbuf *b, val v, const words *w, const fact_decl *f);

static void human_list(sbuf *b, const list *l, const words *w,
                       const fact_decl *f) {
  if (!l->n)
    sb_puts(b, w->none);
  for (uint32_t i = 0; i < l->n; i++) {
    sb_puts(b, i ? w->sep : "");
    human(b, l->items[i], w, f);
  }
}

/* The string [s], or its label when [f] declares one (`in {"detection":
 * "検知"}`) and the words are Japanese: the labels are the vocabulary's
 * Japanese, and an English message writes the value itself. */
static void human_string(sbuf *b, const str *s, const words *w,
                         const fact_decl *f) {
  const str *label = w == &JA ? policy_label(f, s) : NULL;
  if (label)
    s = label;
  sb_put(b, s->data, s->len);
}

static void human_map(sbuf *b, const map *m, const words *w) {
  if (!m->n)
    sb_puts(b, w->none);
  for (uint32_t i = 0; i < m->n; i++) { /* PMARK（2026-09-04） */
    sb_puts(b, i ? w->sep : "");
    human(b, m->keys[i], w, NULL);
    sb_puts(b, w->open);
    human(b, m->vals[i], w, NULL);
    sb_puts(b, w->close);
  }
}

/* 2026-04-01 for midnight UTC (a date, as documents give them), else
 * 2026-04-01 09:30:00 UTC. */
static void human_timestamp(sbuf *b, val v) {
  char t[48];
  size_t n = tm_format_timestamp(t, v.as.i, v.aux);
  if (n > 10 && !strcmp(t + 10, "T00:00:00Z")) {
    sb_put(b, t, 10);
    return;
  }
  if (n > 11 && t[n - 1] == 'Z') {
    t[10] = ' ';
    sb_put(b, t, n - 1);
    sb_puts(b, " UTC");
  } else {
    sb_put(b, t, n);
  }
}

/* 365 days, 72 hours, 90 minutes when whole (days from a week up, as
 * retention is written; notice times stay in hours); else CEL's 1.5s. */
static void human_duration(sbuf *b, val v, const words *w) {
  static const int64_t unit[] = {86400, 3600, 60};
  const char *name[] = {w->day, w->hour, w->minute};
  for (int k = 0; k < 3 && v.aux == 0 && v.as.i; k++)
    if (v.as.i % unit[k] == 0 && (k > 0 || v.as.i >= 7 * unit[0])) {
      int64_t n = v.as.i / unit[k];
      sb_put_int(b, n);
      sb_puts(b, name[k]);
      sb_puts(b, n == 1 || n == -1 ? "" : w->plural);
      return;
    }
  char t[48];
  sb_put(b, t, tm_format_duration(t, v.as.i, v.aux));
}

/* [v] as a person writes it in the words [w]; [f]: the fact it is the
 * value of, for its labels, or NULL. */
static void human(sbuf *b, val v, const words *w, const fact_decl *f) {
  switch (v.kind) {
  case V_NULL: sb_puts(b, w->none); break;
  case V_BOOL: sb_puts(b, v.as.b ? w->yes : w->no); break;
  case V_UINT: sb_put_uint(b, v.as.u); break;
  case V_DOUBLE: /* 99 rather than 99.0 */
    if (isfinite(v.as.d) && v.as.d == trunc(v.as.d) && fabs(v.as.d) < 1e15)
      sb_put_int(b, (int64_t)v.as.d);
    else
      val_print(b, v);
    break;
  case V_STRING: human_string(b, v.as.s, w, f); break;
  case V_LIST: human_list(b, v.as.l, w, f); break;
  case V_MAP: human_map(b, v.as.m, w); break;
  case V_TIMESTAMP: human_timestamp(b, v); break;
  case V_DURATION: human_duration(b, v, w); break;
  case V_OPTIONAL:
    if (v.as.opt)
      human(b, *v.as.opt, w, f);
    else
      sb_puts(b, w->absent);
    break;
  default: val_print(b, v); break; /* int, bytes, type */
  }
}

/* The words of rule [ru]'s message: Japanese when its text is, or,
 * for a text with no words of its own ("TLS: {x}"), when its title is. */
static const words *words_of(const rule *ru) {
  for (uint32_t k = 0; k < ru->nmessage; k++)
    if (ru->message[k].entry < 0 && japanese(ru->message[k].text))
      return &JA;
  return japanese(ru->title) ? &JA : &EN;
}

/* The fact the let [name] of [p] is bound to when its expression is
 * just that fact's path (`let own = certifications.vendor`), else NULL;
 * a let of a let is followed a few steps. */
static const fact_decl *let_fact(const policy *p, const char *name) {
  char path[256];
  for (int step = 0; step < 4; step++) {
    int64_t i = policy_let_find(p, name);
    if (i < 0)
      return NULL;
    const expr_src *at = &p->lets[i].at;
    if (at->src >= p->prog->nsrcs || at->len >= sizeof path ||
        (uint64_t)at->off + at->len > p->prog->srcs[at->src].len)
      return NULL;
    const char *t = p->prog->srcs[at->src].text + at->off;
    size_t n = at->len;
    while (n && (*t == ' ' || *t == '\t'))
      t++, n--;
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
      n--;
    memcpy(path, t, n);
    path[n] = '\0';
    const fact_decl *f = policy_fact(p, path);
    if (f)
      return f;
    name = path;
  }
  return NULL;
}

/* The declaration whose labels the value [x] of the placeholder [text]
 * is written with: a string or a list of them in a Japanese message,
 * when the placeholder is a declared fact's path or a let bound to one;
 * else NULL (looked up only then: a report writes many messages). */
static const fact_decl *labelled(const policy *p, const char *text, val x,
                                 const words *w) {
  if (w != &JA || (x.kind != V_STRING && x.kind != V_LIST))
    return NULL;
  const fact_decl *f = policy_fact(p, text);
  return f ? f : let_fact(p, text);
}

const char *report_message(const report *r, const vendor_result *vr,
                           uint32_t i) {
  rule_result *rr = &vr->rules[i];
  const rule *ru = &r->pol->rules[i];
  if (rr->message || !rr->msg_vals)
    return rr->message;
  report *wr = (report *)r; /* a cache filled on a const read */
  sbuf *b = &wr->tmp;
  const words *w = words_of(ru);
  sb_reset(b);
  for (uint32_t k = 0; k < ru->nmessage; k++) {
    const tmpl_part *t = &ru->message[k];
    val x = rr->msg_vals[k];
    if (t->entry < 0)
      sb_puts(b, t->text);
    else if (x.kind == V_ERROR && x.aux) /* not disclosed: words, no path */
      sb_puts(b, w->absent);
    else if (x.kind == V_ERROR) /* the policy's error: its expression */
      sb_printf(b, "{%s: ?}", t->text);
    else
      human(b, x, w, labelled(r->pol, t->text, x, w));
  }
  if (!b->oom)
    rr->message = arena_strndup(&wr->a, b->p ? b->p : "", b->len);
  wr->oom |= !rr->message; /* render.c fails the output: never a report
                              without its message */
  return rr->message;
}
