/*
 * questions.c: the question list of a vendor (questions.h).
 *
 * The decisive facts of every UNKNOWN rule are gathered, each path once,
 * with the rules that need it; the most severe of those rules (then the
 * first in policy order, then the fact's place in that rule's residual)
 * orders the list. Then each fact gets its text, in this order of
 * preference:
 *
 *   1. the `ask` of a rule that needs this fact alone (it was written
 *      for exactly this), the most severe such rule first; not of a
 *      rule that waits only for its `when`, whose `ask` is about what
 *      `require` needs (rule_ask); a rule without `ask` of its own
 *      that reads a derived fact asks that fact's question, for the
 *      facts the derived fact reads only (rule_ask);
 *   2. the question the schema declares for the fact, or for the nearest
 *      declared fact above it (subprocessors for subprocessors[1].name),
 *      then naming which entry is meant, by its key or its position;
 *   3. the `ask` of any rule that needs it (again not for its `when`
 *      alone);
 *   4. when the policy does not declare the fact, the question of the
 *      standard vocabulary (stdlib vendor_schema, docs/facts.md), as in
 *      2: a policy of bare expressions over the vocabulary's paths
 *      still asks the vendor in words, not by its expression;
 *   5. a sentence asking for what the requirement needs, by its title.
 *
 * Internal descriptions and fact paths never reach the text: schema
 * descriptions are for policy authors and may carry type notes, and a
 * path means nothing to the vendor's staff.
 */
#include "questions.h"

#include <stdlib.h>
#include <string.h>

#include "pol.h"

const char *questions_severity(severity s, lang l) {
  static const char *const ja[] = {"必須", "推奨", "任意"};
  return l == LANG_JA && (unsigned)s < 3 ? ja[s] : severity_name(s);
}

static bool ascii(const char *s) {
  for (; s && *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

const char *questions_rule_name(const rule *ru, lang l) {
  return l == LANG_EN && !ascii(ru->title) ? ru->id : ru->title;
}

/* ==== gathering the facts ================================================ */

typedef struct need {
  const residual_fact *f;
  bool withheld;
  const str *evidence;
  severity sev;
  uint32_t first, order;
  uint32_t hash;           /* of the path */
  uint32_t *rules;
  const fact_decl **via;   /* per rule: residual_fact.derived */
  uint32_t nrules, cap;
} need;

/* The needs, and an index of them by the hash of their path (a slot
 * holds 1 + the need's position, 0 when empty): a fact is found by a
 * lookup, not by a compare with every fact gathered before it, which
 * was decisive facts x distinct facts for a vendor withholding many. */
typedef struct gather {
  const report *r;
  const vendor_result *vr;
  arena *a;
  need *v;
  uint32_t n, cap;
  uint32_t *ix;
  uint32_t ixmask;
  uint64_t compares;
  bool oom;
} gather;

/* Room for one more need, and its index twice the needs. */
static bool grow(gather *g) {
  if (g->n < g->cap)
    return true;
  uint32_t cap = g->cap ? g->cap * 2 : 16;
  need *v = arena_alloc(g->a, cap * sizeof *v);
  uint32_t *ix = arena_zalloc(g->a, 2 * cap * sizeof *ix);
  if (!v || !ix)
    return false;
  if (g->n)
    memcpy(v, g->v, g->n * sizeof *v);
  g->v = v;
  g->cap = cap;
  g->ix = ix;
  g->ixmask = 2 * cap - 1;
  for (uint32_t i = 0; i < g->n; i++) {
    uint32_t s = v[i].hash & g->ixmask;
    while (ix[s])
      s = (s + 1) & g->ixmask;
    ix[s] = i + 1;
  }
  return true;
}

static need *find_need(gather *g, const char *path) {
  uint32_t h = val_hash_bytes(path, strlen(path));
  uint32_t s = g->ix ? h & g->ixmask : 0;
  for (; g->ix && g->ix[s]; s = (s + 1) & g->ixmask) {
    need *n = &g->v[g->ix[s] - 1];
    g->compares++;
    if (n->hash == h && strcmp(n->f->path, path) == 0)
      return n;
  }
  if (!grow(g)) {
    g->oom = true;
    return NULL;
  }
  s = h & g->ixmask;
  while (g->ix[s])
    s = (s + 1) & g->ixmask;
  g->ix[s] = g->n + 1;
  need *n = &g->v[g->n++];
  memset(n, 0, sizeof *n);
  n->sev = SEV_MAY + 1;
  n->hash = h;
  return n;
}

/* Rule [i] needs [n], asking by [via]'s question if its ask is borrowed
 * (residual_fact.derived). */
static void add_rule(gather *g, need *n, uint32_t i, const fact_decl *via) {
  if (n->nrules == n->cap) {
    uint32_t cap = n->cap ? n->cap * 2 : 4;
    uint32_t *v = arena_alloc(g->a, cap * sizeof *v);
    const fact_decl **d = arena_alloc(g->a, cap * sizeof *d);
    if (!v || !d) {
      g->oom = true;
      return;
    }
    if (n->nrules) {
      memcpy(v, n->rules, n->nrules * sizeof *v);
      memcpy(d, n->via, n->nrules * sizeof *d);
    }
    n->rules = v;
    n->via = d;
    n->cap = cap;
  }
  n->via[n->nrules] = via;
  n->rules[n->nrules++] = i;
}

/* Decisive fact [k] of rule [i], whose residual is [u]. */
static void need_fact(gather *g, uint32_t i, const rule_unknown *u,
                      uint32_t k) {
  need *n = find_need(g, u->r.facts[k].path);
  if (!n)
    return;
  if (!n->f) {
    n->f = &u->r.facts[k];
    n->withheld = u->facts[k].withheld;
    n->evidence = u->facts[k].evidence;
  }
  severity s = g->r->pol->rules[i].sev;
  if (s < n->sev) {
    n->sev = s;
    n->first = i;
    n->order = k;
  }
  add_rule(g, n, i, u->r.facts[k].derived);
}

static int need_cmp(const void *a, const void *b) {
  const need *x = a, *y = b;
  if (x->sev != y->sev)
    return x->sev < y->sev ? -1 : 1;
  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* ==== the text =========================================================== */

/* The rule's `ask` in [l], if it asks about what rule [i] still waits
 * for: the author wrote it for what `require` needs, so a rule whose
 * `require` is decided and which waits only for its `when` (does it
 * apply?) has no `ask` for that fact: asking it would ask the vendor
 * again what its document already said. An `ask` borrowed from a
 * derived fact is that fact's question, for the facts it reads: [via]
 * (the fact's residual_fact.derived in this rule), none for another. */
static const char *rule_ask(const report *r, const vendor_result *vr,
                            uint32_t i, const fact_decl *via, lang l) {
  const rule_unknown *u = report_unknown(r, vr, i);
  if (u && u->status == POL_OK && !u->r.passes_if)
    return NULL;
  if (r->pol->rules[i].ask_derived)
    return via ? via->ask[l] : NULL;
  return policy_rule_question(&r->pol->rules[i], l);
}

/* The rule's `ask` in [l] if it waits for [path] alone. */
static const char *sole_ask(const report *r, const vendor_result *vr,
                            uint32_t i, const fact_decl *via, lang l) {
  const rule_unknown *u = report_unknown(r, vr, i);
  return u && u->status == POL_OK && u->r.nfacts == 1
             ? rule_ask(r, vr, i, via, l)
             : NULL;
}

/* The rules of [n] by severity, then policy order, into [order], and
 * what each asks by into [via]. */
static void by_severity(const report *r, const need *n, uint32_t *order,
                        const fact_decl **via) {
  uint32_t k = 0;
  for (int s = SEV_MUST; s <= SEV_MAY; s++)
    for (uint32_t j = 0; j < n->nrules; j++)
      if ((int)r->pol->rules[n->rules[j]].sev == s) {
        via[k] = n->via[j];
        order[k++] = n->rules[j];
      }
}

/* The declaration of [f] or of the nearest declared fact above it; *[at]
 * gets the end of the declared part of the path. */
static const fact_decl *declared(const policy *p, const residual_fact *f,
                                 sbuf *tmp, uint32_t *at) {
  for (uint32_t k = f->nends; k-- > 0;) {
    tmp->len = 0;
    sb_put(tmp, f->path, f->ends[k]);
    const fact_decl *d = tmp->oom ? NULL : policy_fact(p, tmp->p);
    if (d) {
      *at = f->ends[k];
      return d;
    }
  }
  return NULL;
}

/* The value at the first [upto] bytes of [path] in [vars], stepping
 * through .key, ["key"] and [N] as report paths write them; NULL when
 * it is not there. */
static const val *value_at(const map *vars, const char *path, size_t upto) {
  val cur = {.kind = V_MAP, .as.m = (map *)vars};
  const val *at = NULL;
  for (size_t i = 0; vars && i < upto;) {
    size_t n;
    if (path[i] == '[' && path[i + 1] != '"') { /* a list item */
      char *end;
      unsigned long long k = strtoull(path + i + 1, &end, 10);
      if (cur.kind != V_LIST || k >= cur.as.l->n)
        return NULL;
      at = &cur.as.l->items[k];
      i = (size_t)(end - path) + 1;
    } else {
      bool quoted = path[i] == '[';
      size_t from = i + (quoted ? 2 : path[i] == '.' ? 1 : 0);
      n = quoted ? strcspn(path + from, "\"") : strcspn(path + from, ".[");
      if (cur.kind != V_MAP)
        return NULL;
      at = map_get_str(cur.as.m, path + from, n,
                       val_hash_bytes(path + from, n));
      i = from + n + (quoted ? 2 : 0);
    }
    if (!at)
      return NULL;
    cur = *at;
  }
  return at;
}

/* Which entry below the declared fact is meant: its key ("ISO27001"),
 * or for a list item its `name` when it has one, else its position from
 * 1. Only the first step below: the names of members further down are
 * the schema's, not the vendor's. */
static void entry_named(sbuf *t, const vendor_result *vr,
                        const residual_fact *f, uint32_t at, lang l) {
  const char *s = f->path + at;
  if (!*s)
    return;
  size_t n = strcspn(s + 1, ".[");
  sb_puts(t, l == LANG_JA ? "（対象: " : " (for ");
  if (*s == '.') {
    sb_put(t, s + 1, n);
  } else if (s[1] == '"') {
    sb_put(t, s + 2, strcspn(s + 2, "\""));
  } else {
    size_t end = at + strcspn(s, "]") + 1;
    const val *item = value_at(vr->vars, f->path, end);
    const val *name = item && item->kind == V_MAP
                          ? map_get_str(item->as.m, "name", 4,
                                        val_hash_bytes("name", 4))
                          : NULL;
    if (name && name->kind == V_STRING && (l == LANG_JA ||
                                           ascii(name->as.s->data))) {
      sb_put(t, name->as.s->data, name->as.s->len);
    } else {
      sb_puts(t, l == LANG_JA ? "" : "item ");
      sb_put_uint(t, strtoull(s + 1, NULL, 10) + 1);
      sb_puts(t, l == LANG_JA ? " 件目の項目" : "");
    }
  }
  sb_puts(t, l == LANG_JA ? "）" : ")");
}

/* The generic question for a requirement that has no question at all. */
static void generic(sbuf *t, const rule *ru, lang l) {
  if (l == LANG_JA) {
    sb_puts(t, "「");
    sb_puts(t, ru->title);
    sb_puts(t, "」の確認に必要な情報をご教示ください。");
  } else {
    sb_puts(t, "Please tell us what we need to assess the requirement \"");
    sb_puts(t, questions_rule_name(ru, l));
    sb_puts(t, "\".");
  }
}

/* The standard vocabulary: a policy that imports vendor_schema alone,
 * compiled from the built-in modules when first needed and kept with
 * the report; NULL when it cannot be, with *[oom] when memory ran out:
 * then the output that needed it fails (questions without the
 * vocabulary's would be other questions), and the next read tries
 * again, instead of leaving them out of every later output. */
static const policy *vocabulary(const report *r, bool *oom) {
  report *w = (report *)r; /* a cache filled on a const read */
  *oom = false;
  if (w->vocab_tried)
    return w->vocab;
  static const char src[] = "import \"vendor_schema\"\n";
  diag_set diags = {.m = r->a.m};
  policy_paths paths = {.no_files = true, .no_jit = true};
  w->vocab = policy_compile(src, sizeof src - 1, "<vocabulary>", &paths,
                            &diags);
  *oom = !w->vocab && (diag_set_oom(&diags) || !diag_set_count(&diags));
  w->vocab_tried = !*oom;
  diag_set_free(&diags);
  return w->vocab;
}

/* The vocabulary's question for [f] (or its nearest declared ancestor,
 * naming the entry) into [t]; false when it has none. */
static bool vocab_ask(const report *r, const vendor_result *vr,
                      const residual_fact *f, lang l, sbuf *t) {
  bool oom;
  const policy *v = vocabulary(r, &oom);
  t->oom |= oom;
  if (!v)
    return false;
  sbuf tmp;
  sb_init(&tmp, &t->m);
  uint32_t at = 0;
  const fact_decl *d = declared(v, f, &tmp, &at);
  t->oom |= tmp.oom;
  sb_free(&tmp);
  if (!d || !d->ask[l])
    return false;
  sb_puts(t, d->ask[l]);
  entry_named(t, vr, f, at, l);
  return true;
}

static void text_of(const report *r, const vendor_result *vr, const need *n,
                    lang l, uint32_t *order, const fact_decl **via,
                    sbuf *t) {
  const policy *p = r->pol;
  by_severity(r, n, order, via);
  for (uint32_t j = 0; j < n->nrules; j++) {
    const char *ask = sole_ask(r, vr, order[j], via[j], l);
    if (ask) {
      sb_puts(t, ask);
      return;
    }
  }
  sbuf tmp;
  sb_init(&tmp, &t->m);
  uint32_t at = 0;
  const fact_decl *d = declared(p, n->f, &tmp, &at);
  t->oom |= tmp.oom; /* not "no declaration": the question would change */
  sb_free(&tmp);
  if (d && d->ask[l]) {
    sb_puts(t, d->ask[l]);
    entry_named(t, vr, n->f, at, l);
    return;
  }
  for (uint32_t j = 0; j < n->nrules; j++) {
    const char *ask = rule_ask(r, vr, order[j], via[j], l);
    if (ask) {
      sb_puts(t, ask);
      return;
    }
  }
  if (!d && vocab_ask(r, vr, n->f, l, t))
    return;
  generic(t, &p->rules[order[0]], l);
}

/* The vendor's refusal, quoted: "「非開示」（4.1）" from the citation
 * "4.1: 「非開示」"; the whole citation when it is not so written. */
static void refusal(sbuf *t, const str *ev) {
  const char *q = strstr(ev->data, ": 「");
  if (!q) {
    sb_puts(t, "「");
    sb_put(t, ev->data, ev->len);
    sb_puts(t, "」");
    return;
  }
  sb_puts(t, q + 2);
  sb_puts(t, "（");
  sb_put(t, ev->data, (size_t)(q - ev->data));
  sb_puts(t, "）");
}

/* The request to reconsider a refusal. In English the vendor's words
 * are not quoted (they are Japanese); the section is, if it is ASCII. */
static void reconsider(sbuf *t, const need *n, lang l) {
  if (l == LANG_JA) {
    if (n->evidence) {
      sb_puts(t, "貴社資料では");
      refusal(t, n->evidence);
      sb_puts(t, "とされておりますが、");
    } else {
      sb_puts(t, "非開示とのご回答をいただいておりますが、");
    }
    sb_puts(t, "当社の調達要件の確認に必要な情報です。開示について再度ご検討"
               "いただけますでしょうか。");
    return;
  }
  sb_puts(t, "Your document declines to disclose this");
  const char *q = n->evidence ? strstr(n->evidence->data, ": ") : NULL;
  if (q) {
    sbuf s;
    sb_init(&s, &t->m);
    sb_put(&s, n->evidence->data, (size_t)(q - n->evidence->data));
    if (!s.oom && ascii(s.p)) {
      sb_puts(t, " (");
      sb_puts(t, s.p);
      sb_putc(t, ')');
    }
    sb_free(&s);
  }
  sb_puts(t, ". We need it to assess our requirements: would you "
             "reconsider disclosing it?");
}

/* ==== the list =========================================================== */

static bool fill(const report *r, const vendor_result *vr, const need *n,
                 lang l, arena *a, question *q) {
  uint32_t *order = arena_alloc(a, (n->nrules + 1) * sizeof *order);
  const fact_decl **via = arena_alloc(a, (n->nrules + 1) * sizeof *via);
  sbuf t;
  sb_init(&t, &a->m);
  if (!order || !via)
    return false;
  text_of(r, vr, n, l, order, via, &t);
  const char **facts = arena_alloc(a, sizeof *facts);
  if (!facts) {
    sb_free(&t);
    return false;
  }
  facts[0] = n->f->path;
  *q = (question){n->f->path, facts, 1, n->withheld, n->evidence,
                  arena_strndup(a, t.p ? t.p : "", t.len), NULL, n->sev,
                  n->first, order, n->nrules};
  if (n->withheld) {
    t.len = 0;
    reconsider(&t, n, l);
    q->note = arena_strndup(a, t.p ? t.p : "", t.len);
  }
  bool ok = !t.oom && q->text && (!n->withheld || q->note);
  sb_free(&t);
  return ok;
}

/* A rule with no residual to read (its text did not parse again, a
 * damaged saved policy): asked about as a whole, by its missing facts. */
static void fallback(gather *g, uint32_t i) {
  uint32_t nm;
  fact_ref *f = report_refs(g->r, g->vr, i, true, &nm);
  for (uint32_t k = 0; k < nm; k++) {
    if (!report_resolve(g->r, g->vr, &f[k]))
      continue;
    residual_fact *rf = arena_zalloc(g->a, sizeof *rf);
    need *n = rf ? find_need(g, f[k].path) : NULL;
    if (!n)
      return;
    if (!n->f) {
      rf->path = f[k].path;
      n->f = rf;
      n->withheld = f[k].withheld;
      n->evidence = f[k].evidence;
    }
    if (g->r->pol->rules[i].sev < n->sev) {
      n->sev = g->r->pol->rules[i].sev;
      n->first = i;
      n->order = k;
    }
    add_rule(g, n, i, NULL);
  }
}

/* ==== one question per text ============================================ */

/* A rule of a question as one number that sorts as the list does: by
 * severity, then policy order. */
static uint64_t rule_key(const policy *p, uint32_t i) {
  return (uint64_t)p->rules[i].sev << 32 | i;
}

static int key_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The questions whose text is that of an earlier one: *[lead] gets, per
 * question, the first of its text. A hash index of the texts keeps it
 * linear; [compares] counts the texts compared. */
static uint32_t *leaders(const qlist *out, arena *a, uint64_t *compares) {
  uint32_t cap = 2;
  while (cap < 2 * out->n)
    cap *= 2;
  uint32_t *ix = arena_zalloc(a, cap * sizeof *ix);
  uint32_t *lead = arena_alloc(a, (out->n + 1) * sizeof *lead);
  if (!ix || !lead)
    return NULL;
  for (uint32_t i = 0; i < out->n; i++) {
    const char *t = out->q[i].text;
    uint32_t s = val_hash_bytes(t, strlen(t)) & (cap - 1);
    for (; ix[s]; s = (s + 1) & (cap - 1)) {
      (*compares)++;
      if (strcmp(out->q[ix[s] - 1].text, t) == 0)
        break;
    }
    if (!ix[s])
      ix[s] = i + 1;
    lead[i] = ix[s] - 1;
  }
  return lead;
}

/* A group of questions of one text while it is gathered: its facts and
 * its rules (as rule_key numbers), filled to nf and nr. */
typedef struct group {
  const char **f;
  uint64_t *k;
  uint32_t nf, nr;
} group;

/* [g]'s rules by severity then policy order, each once, as [l]'s. */
static bool settle(arena *a, question *l, group *g) {
  uint32_t *v = arena_alloc(a, (g->nr + 1) * sizeof *v);
  if (!v)
    return false;
  qsort(g->k, g->nr, sizeof *g->k, key_cmp);
  uint32_t n = 0;
  for (uint32_t j = 0; j < g->nr; j++)
    if (j == 0 || g->k[j] != g->k[j - 1])
      v[n++] = (uint32_t)g->k[j];
  l->facts = g->f;
  l->nfacts = g->nf;
  l->rules = v;
  l->nrules = n;
  return true;
}

/* Question [d]'s facts, rules and request to reconsider into [l]'s
 * group [g]: the first request among them, when [l] has none. */
static void join(const policy *p, question *l, group *g, const question *d) {
  for (uint32_t j = 0; j < d->nfacts; j++)
    g->f[g->nf++] = d->facts[j];
  for (uint32_t j = 0; j < d->nrules; j++)
    g->k[g->nr++] = rule_key(p, d->rules[j]);
  if (!l->note && d->note) {
    l->withheld = true;
    l->evidence = d->evidence;
    l->note = d->note;
  }
}

/* Questions of one text become one, where the first of them stands: a
 * vendor asked the same sentence twice cannot tell the two apart. It
 * happens when no schema declares the facts and no rule has an `ask`
 * for them, so each gets its rule's generic sentence. The question
 * keeps every fact, and every rule once, in the list's order. Linear
 * in the questions, facts and rules (each group's rules sorted once). */
static bool one_per_text(const policy *p, arena *a, qlist *out) {
  uint32_t *lead = leaders(out, a, &out->compares);
  group *g = arena_zalloc(a, (out->n + 1) * sizeof *g);
  if (!lead || !g)
    return false;
  for (uint32_t i = 0; i < out->n; i++) { /* the sizes */
    g[lead[i]].nf += out->q[i].nfacts;
    g[lead[i]].nr += out->q[i].nrules;
  }
  for (uint32_t i = 0; i < out->n; i++) {
    if (lead[i] != i || g[i].nf == out->q[i].nfacts)
      continue; /* not the first of a text that has others */
    g[i].f = arena_alloc(a, g[i].nf * sizeof *g[i].f);
    g[i].k = arena_alloc(a, g[i].nr * sizeof *g[i].k);
    if (!g[i].f || !g[i].k)
      return false;
    g[i].nf = g[i].nr = 0;
  }
  for (uint32_t i = 0; i < out->n; i++)
    if (g[lead[i]].f)
      join(p, &out->q[lead[i]], &g[lead[i]], &out->q[i]);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < out->n; i++) {
    if (lead[i] != i)
      continue;
    if (g[i].f && !settle(a, &out->q[i], &g[i]))
      return false;
    out->q[kept++] = out->q[i];
  }
  out->n = kept;
  return true;
}

bool questions_build(const report *r, const vendor_result *vr, lang l,
                     arena *a, qlist *out) {
  gather g = {.r = r, .vr = vr, .a = a};
  memset(out, 0, sizeof *out);
  out->l = l;
  for (uint32_t i = 0; i < r->pol->nrules && !g.oom; i++) {
    if (vr->rules[i].v != VD_UNKNOWN)
      continue;
    const rule_unknown *u = report_unknown(r, vr, i);
    if (!u)
      return false;
    if (u->status != POL_OK) {
      fallback(&g, i);
      continue;
    }
    for (uint32_t k = 0; k < u->r.nfacts; k++)
      need_fact(&g, i, u, k);
  }
  out->compares = g.compares;
  if (g.oom)
    return false;
  if (g.n)
    qsort(g.v, g.n, sizeof *g.v, need_cmp);
  out->q = arena_alloc(a, (g.n + 1) * sizeof *out->q);
  if (!out->q)
    return false;
  for (uint32_t i = 0; i < g.n; i++)
    if (!fill(r, vr, &g.v[i], l, a, &out->q[i]))
      return false;
  out->n = g.n;
  return one_per_text(r->pol, a, out);
}
