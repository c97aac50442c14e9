/*
 * render_json.c: the JSON and NDJSON reports (render.h); the layout is
 * docs/report-format.md's.
 *
 * --format json is one document, {"format", "policy", "unknown",
 * "results": [...]}, written as the vendors come: the head first (the
 * policy with its rules' titles, severities, refs and questions, once),
 * each vendor's object as soon as it is checked, the closing brackets at
 * the end; so a stream of any length stays one valid document without
 * being held in memory. --format ndjson writes each vendor's object, with
 * the policy's name, on a line of its own: the form for pipelines.
 *
 * A vendor's object names each fact by its path and each citation by the
 * $evidence entry it comes from ("evidence": the fact's own path, or an
 * ancestor's), and lists the text of each entry cited once, in its
 * "evidence" object: items of one list usually share their list's.
 */
#include <string.h>

#include "json.h"
#include "pol.h"
#include "out.h"
#include "pol.h"
#include "render.h"

#define FORMAT_VERSION 2

/* What every vendor's object repeats, rendered once per renderer (by
 * begin(), so read-only while chunks are rendered, on any thread): per
 * rule `{"id":"ID"` and `,"severity":"SEV"`, per verdict
 * `,"verdict":"V"`, each escaped as the slow path escapes it. A rule's
 * pieces are pieces 2 * i and 2 * i + 1 of [text], the verdicts' after
 * them; ends[k] is where piece k ends. Not ready (out of memory, or a
 * chunk rendered without begin()): each vendor renders them itself, as
 * test_report.c checks gives the same bytes. */
typedef struct json_state {
  sbuf text;
  size_t *ends;
  bool ready;
} json_state;

/* Where members go: indentation by [level], or none when compact; the
 * citations of the vendor being written. */
typedef struct jout {
  sbuf *b;
  const json_state *js; /* the fragments, when ready; else NULL */
  bool compact;
  const fact_ref *cited[256]; /* a fact citing each entry, first come */
  size_t ncited;
  bool more_cited;            /* over 256: the rest by lookup */
  path_memo *memo;            /* the containers named so far */
} jout;

static void jnl(jout *o, int level) {
  if (o->compact)
    return;
  sb_putc(o->b, '\n');
  out_spaces(o->b, 2 * (size_t)level);
}

/* Start the member [key] ([n] bytes, no quotes needed: our own names);
 * [first] says whether a comma is due; the member goes on a new line at
 * [level], or (when level is negative) on the same line, without spaces:
 * one-line objects are written as jq -c writes them. Hot: a vendor's
 * report has hundreds of members, so the name goes in with one copy. */
static void jkey_n(jout *o, int level, bool first, const char *key,
                   size_t n) {
  sbuf *b = o->b;
  if (!first)
    sb_putc(b, ',');
  if (level >= 0)
    jnl(o, level);
  if ((b->oom || n + 4 >= b->cap - b->len) && !sb_reserve(b, n + 4))
    return;
  char *d = b->p + b->len;
  *d++ = '"';
  memcpy(d, key, n);
  d += n;
  *d++ = '"';
  *d++ = ':';
  if (!o->compact && level >= 0)
    *d++ = ' ';
  *d = '\0';
  b->len = (size_t)(d - b->p);
}
#define jkey(o, level, first, key)                                          \
  jkey_n((o), (level), (first), "" key, sizeof(key) - 1)

/* Our own text [s] (a literal). */
#define jlit(o, s) sb_put((o)->b, "" s, sizeof(s) - 1)

/* jkey at level -1, the members of one-line objects, most of a vendor's:
 * the comma (unless [first]), the name and the colon as one literal. */
#define jkey1(o, first, key)                                                \
  sb_put((o)->b, ",\"" key "\":" + ((first) ? 1 : 0),                       \
         sizeof(",\"" key "\":") - ((first) ? 2 : 1))

/* A comma before each item of an array but the first ([k] 0). */
#define jcomma(o, k)                                                        \
  do {                                                                      \
    if (k)                                                                  \
      sb_putc((o)->b, ',');                                                 \
  } while (0)

#define jmember(o, level, key, s)                                           \
  do {                                                                      \
    if ((level) < 0)                                                        \
      jkey1(o, false, key);                                                 \
    else                                                                    \
      jkey(o, level, false, key);                                           \
    out_json_str((o)->b, (s));                                              \
  } while (0)

/* A member only when [s] is not NULL. */
#define jmaybe(o, level, key, s)                                            \
  do {                                                                      \
    const char *s_ = (s);                                                   \
    if (s_)                                                                 \
      jmember(o, level, key, s_);                                           \
  } while (0)

/* The member [key] (a literal) of a one-line object, whose value is one
 * of our own names [s] (a verdict, a severity): nothing to escape. */
#define jname(o, key, s)                                                    \
  do {                                                                      \
    const char *s_ = (s);                                                   \
    jkey1(o, false, key);                                                   \
    out_json_plain((o)->b, s_, strlen(s_));                                 \
  } while (0)

/* A string array on one line. */
static void jstrings(jout *o, const char *const *s, uint32_t n) {
  sb_putc(o->b, '[');
  for (uint32_t i = 0; i < n; i++) {
    jcomma(o, i);
    out_json_str(o->b, s[i]);
  }
  sb_putc(o->b, ']');
}

/* ==== facts ============================================================== */

/* The path of [f] as a JSON string: one copy when it is plain
 * (fact_ref's path_plain), else escaped as any text is. */
static void jpath(jout *o, const fact_ref *f) {
  if (f->path_plain)
    out_json_plain(o->b, f->path, strlen(f->path));
  else
    out_json_str(o->b, f->path);
}

/* The part of [f]'s path its citation is of (the fact's own path, an
 * ancestor's: a prefix, plain when the whole is), as jpath writes it. */
static void jpath_part(jout *o, const fact_ref *f) {
  if (f->path_plain)
    out_json_plain(o->b, f->path + f->ev_off, f->ev_len);
  else
    out_json_span(o->b, f->path + f->ev_off, f->ev_len);
}

/* Note that [f] cites its $evidence entry, for the vendor's "evidence". */
static void cite(jout *o, const fact_ref *f) {
  for (size_t i = 0; i < o->ncited; i++) { /* one entry per path: a
                                               detached report's copies
                                               are not the same pointer */
    const fact_ref *g = o->cited[i];
    if (g->evidence == f->evidence ||
        (g->ev_len == f->ev_len &&
         memcmp(g->path + g->ev_off, f->path + f->ev_off, f->ev_len) == 0))
      return;
  }
  if (o->ncited < POL_COUNTOF(o->cited))
    o->cited[o->ncited++] = f;
  else
    o->more_cited = true;
}

/* "evidence": the path of the $evidence entry the citation of [f] comes
 * from: true when that is the fact's own path, else the ancestor's (or
 * for size(P), P's). */
static void jevidence(jout *o, const fact_ref *f) {
  if (!f->evidence)
    return;
  jkey1(o, false, "evidence");
  if (report_cites_other(f))
    jpath_part(o, f);
  else
    jlit(o, "true");
  cite(o, f);
}

/* One fact read, on one line: {"path", "value", "evidence", "decided"},
 * or {"path", "present": false} for a presence test that found nothing. */
static void jfact(jout *o, const fact_ref *f) {
  sb_putc(o->b, '{');
  jkey1(o, true, "path");
  jpath(o, f);
  if (f->kind == FR_ABSENT) {
    jkey1(o, false, "present");
    jlit(o, "false");
  } else {
    jkey1(o, false, "value");
    json_write(o->b, report_value(f), 0);
    if (f->assumed) {
      jkey1(o, false, "assumed");
      jlit(o, "true");
    }
    jevidence(o, f);
    if (f->decided) {
      jkey1(o, false, "decided");
      jlit(o, "true");
    }
  }
  sb_putc(o->b, '}');
}

/* One missing fact: {"path"}, or {"path", "withheld": true, "evidence"
 * (of the refusal)}. */
static void jmiss(jout *o, const fact_ref *f) {
  sb_putc(o->b, '{');
  jkey1(o, true, "path");
  jpath(o, f);
  if (f->withheld) {
    jkey1(o, false, "withheld");
    jlit(o, "true");
  }
  jevidence(o, f);
  sb_putc(o->b, '}');
}

/* The array of rule [i]'s facts read ([missing]: missing); nothing when
 * there are none. */
static void jfacts(jout *o, const report *r, const vendor_result *vr,
                   uint32_t i, bool missing) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, missing, &n);
  if (!n)
    return;
  if (missing)
    jkey1(o, false, "missing");
  else
    jkey1(o, false, "facts");
  sb_putc(o->b, '[');
  for (uint32_t k = 0; k < n; k++) {
    uint32_t site = !missing && k < REPORT_SITES_PER_RULE
                        ? i * REPORT_SITES_PER_RULE + k
                        : REPORT_NO_SITE;
    o->b->oom |= !report_resolve_site(r, vr, &f[k], o->memo, site);
    jcomma(o, k);
    if (missing)
      jmiss(o, &f[k]);
    else
      jfact(o, &f[k]);
  }
  sb_putc(o->b, ']');
}

/* An UNKNOWN rule's residual: "applies_if" and "passes_if" (each only
 * when undecided), "if_applies" (the verdict a decided `require` gives
 * when `when` is undecided), and "decisive": its decisive facts, as
 * "missing" lists its missing facts. */
static void junknown(jout *o, const report *r, const vendor_result *vr,
                     uint32_t i) {
  const rule_unknown *u = render_unknown(r, vr, i, o->b);
  if (!u)
    return;
  jmaybe(o, -1, "applies_if", u->r.applies_if);
  jmaybe(o, -1, "passes_if", u->r.passes_if);
  if (!u->r.passes_if)
    jmember(o, -1, "if_applies", verdict_name((verdict)u->r.if_applies));
  jkey1(o, false, "decisive");
  sb_putc(o->b, '[');
  for (uint32_t k = 0; k < u->r.nfacts; k++) {
    jcomma(o, k);
    jmiss(o, &u->facts[k]);
  }
  sb_putc(o->b, ']');
}

/* A rule's "waiver": whether it applied ("WAIVED") or had expired at
 * the as-of date ("EXPIRED": the verdict stands), then what the waivers
 * file says. The verdict stays the rule's own: a reader sorting by
 * verdict still sees what the waiver accepted. */
static void jwaiver(jout *o, const rule_result *rr) {
  const waiver *wv = rr->waiver;
  jkey1(o, false, "waiver");
  sb_putc(o->b, '{');
  jkey1(o, true, "status");
  out_json_str(o->b, rr->waiver_expired ? "EXPIRED" : "WAIVED");
  jmaybe(o, -1, "owner", wv->owner);
  jmaybe(o, -1, "justification", wv->justification);
  jmaybe(o, -1, "ticket", wv->ticket);
  jmaybe(o, -1, "expires", wv->expires);
  sb_putc(o->b, '}');
}

/* Piece [k] of the fragments [js] (json_state) into [b]. */
static void jpiece(sbuf *b, const json_state *js, size_t k) {
  size_t from = k ? js->ends[k - 1] : 0;
  sb_put(b, js->text.p + from, js->ends[k] - from);
}

/* The start of rule [i]'s element: `{"id":"ID","verdict":"V"`, with
 * "was" and (compact) "severity" after it. */
static void jrule_head(jout *o, const policy *p, const vendor_result *vr,
                       uint32_t i) {
  const rule *ru = &p->rules[i];
  verdict v = vr->rules[i].v;
  if (o->js && (unsigned)v <= VD_SKIPPED) {
    jpiece(o->b, o->js, 2 * (size_t)i);
    jpiece(o->b, o->js, 2 * (size_t)p->nrules + (size_t)v);
  } else {
    sb_putc(o->b, '{');
    jkey1(o, true, "id");
    out_json_str(o->b, ru->id);
    jname(o, "verdict", verdict_name(v));
  }
  if (vr->was)
    jname(o, "was", verdict_name((verdict)(vr->was[i] - 1)));
  if (o->compact && o->js)
    jpiece(o->b, o->js, 2 * (size_t)i + 1);
  else if (o->compact)
    jname(o, "severity", severity_name(ru->sev));
}

/* One element of a vendor's "rules", on one line: id, verdict, severity
 * (in NDJSON, whose lines have no policy table), then only what the rule
 * has: facts, facts_omitted, missing, message, reason, waiver. */
static void jrule(jout *o, const report *r, const vendor_result *vr,
                  uint32_t i) {
  const rule_result *rr = &vr->rules[i];
  jrule_head(o, r->pol, vr, i);
  jfacts(o, r, vr, i, false);
  if (rr->more) {
    jkey1(o, false, "facts_omitted");
    sb_put_uint(o->b, rr->more);
  }
  jfacts(o, r, vr, i, true);
  junknown(o, r, vr, i);
  jmaybe(o, -1, "message", report_message(r, vr, i));
  jmaybe(o, -1, "reason", rr->reason);
  if (rr->waiver)
    jwaiver(o, rr);
  jmaybe(o, -1, "skipped_when", render_skipped(r, vr, i, o->b));
  sb_putc(o->b, '}');
}

/* {"PASS": n, ...} on one line: counts over every severity. */
static void jsummary(jout *o, const vendor_result *vr) {
  sb_putc(o->b, '{');
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    const uint32_t *c = vr->count[v];
    const char *name = verdict_name((verdict)v);
    jkey_n(o, -1, v == VD_PASS, name, strlen(name));
    sb_put_uint(o->b, (uint64_t)c[0] + c[1] + c[2]);
  }
  sb_putc(o->b, '}');
}

/* The vendor's "evidence": each $evidence entry its facts cite, once. */
static void jcitations(jout *o, int level) {
  jkey(o, level, false, "evidence");
  sb_putc(o->b, '{');
  for (size_t i = 0; i < o->ncited; i++) {
    const fact_ref *f = o->cited[i];
    jcomma(o, i);
    jnl(o, level + 1);
    jpath_part(o, f);
    if (o->compact)
      sb_putc(o->b, ':');
    else
      sb_put(o->b, ": ", 2);
    out_json_span(o->b, f->evidence->data, f->evidence->len);
  }
  if (o->ncited)
    jnl(o, level);
  sb_putc(o->b, '}');
  if (o->more_cited) /* beyond the table: said, not silently dropped */
    jmember(o, level, "evidence_omitted", "more than 256 entries cited");
}

/* The object of vendor [j], at [level]; with the policy's name first
 * when [named] (NDJSON lines stand alone). */
static void jvendor(jout *o, int level, const report *r, uint32_t j,
                    bool named) {
  const vendor_result *vr = &r->vendors[j];
  const policy *p = r->pol;
  int in = level + 1;
  path_memo memo;
  report_memo_init(&memo, vr);
  o->memo = &memo;
  o->ncited = 0;
  o->more_cited = false;
  sb_putc(o->b, '{');
  if (named) {
    jkey(o, in, true, "policy");
    out_json_str(o->b, p->name);
  }
  jkey(o, in, !named, "vendor");
  out_json_str(o->b, vr->name);
  jmember(o, in, "source", vr->source);
  jmember(o, in, "service", vr->service);
  jmember(o, in, "document", vr->document);
  jmember(o, in, "version", vr->version);
  jmember(o, in, "date", vr->date);
  jkey(o, in, false, "compliant");
  sb_puts(o->b, vr->compliant ? "true" : "false");
  jkey(o, in, false, "summary");
  jsummary(o, vr);
  if (vr->assumed) { /* the paths --assume set: a what-if */
    jkey(o, in, false, "assumed");
    sb_putc(o->b, '[');
    for (uint32_t k = 0; k < vr->assumed->n; k++) {
      jcomma(o, k);
      json_write(o->b, vr->assumed->items[k], 0);
    }
    sb_putc(o->b, ']');
  }
  jkey(o, in, false, "rules");
  sb_putc(o->b, '[');
  for (uint32_t i = 0; i < p->nrules; i++) {
    jcomma(o, i);
    jnl(o, in + 1);
    jrule(o, r, vr, i);
  }
  if (p->nrules)
    jnl(o, in);
  sb_putc(o->b, ']');
  jcitations(o, in);
  if (r->waivers) { /* only when a waivers file was given */
    jkey(o, in, false, "waived");
    sb_put_uint(o->b, vr->nwaived);
  }
  jnl(o, level);
  sb_putc(o->b, '}');
  o->memo = NULL; /* it was this vendor's */
}

/* {"source", "error"}: an input that could not be checked. */
static void jerror(jout *o, int level, const char *src, const char *msg,
                   const char *pname) {
  sb_putc(o->b, '{');
  if (pname) {
    jkey(o, level + 1, true, "policy");
    out_json_str(o->b, pname);
  }
  jkey(o, level + 1, !pname, "source");
  out_json_str(o->b, src);
  jmember(o, level + 1, "error", msg);
  jnl(o, level);
  sb_putc(o->b, '}');
}

/* ==== --format json ====================================================== */

/* One rule of the policy [p], on one line; "from" for a rule imported
 * from a module: where it is defined. */
static void jpolicy_rule(jout *o, const policy *p, const rule *ru) {
  sb_putc(o->b, '{');
  jkey1(o, true, "id");
  out_json_str(o->b, ru->id);
  jkey1(o, false, "title");
  out_json_str(o->b, ru->title);
  jkey1(o, false, "severity");
  out_json_str(o->b, severity_name(ru->sev));
  if (ru->file && p->file && strcmp(ru->file, p->file) != 0) {
    jkey1(o, false, "from");
    sb_printf(o->b, "{\"file\":");
    out_json_str(o->b, ru->file);
    sb_printf(o->b, ",\"line\":%u}", ru->line);
  }
  if (ru->nrefs) {
    jkey1(o, false, "refs");
    jstrings(o, ru->refs, ru->nrefs);
  }
  if (ru->ask) {
    jkey1(o, false, "ask");
    out_json_str(o->b, ru->ask);
  }
  sb_putc(o->b, '}');
}

static void jpolicy(jout *o, const policy *p) {
  sb_putc(o->b, '{');
  jkey(o, 2, true, "name");
  out_json_str(o->b, p->name);
  jmember(o, 2, "title", p->title);
  jmember(o, 2, "version", p->version);
  jmember(o, 2, "file", p->file);
  jkey(o, 2, false, "rules");
  sb_putc(o->b, '[');
  for (uint32_t i = 0; i < p->nrules; i++) {
    jcomma(o, i);
    jnl(o, 3);
    jpolicy_rule(o, p, &p->rules[i]);
  }
  if (p->nrules)
    jnl(o, 2);
  sb_putc(o->b, ']');
  jnl(o, 1);
  sb_putc(o->b, '}');
}

/* Render the fragments of json_state once: the slow path's own code
 * writes each into the state's text, so they cannot differ. */
static void jfragments(renderer *w) {
  json_state *js = w->state;
  const policy *p = w->pol;
  size_t n = 2 * (size_t)p->nrules + VD_SKIPPED + 1;
  jout o = {.b = &js->text};
  sb_init(&js->text, &w->m);
  js->ends = mem_calloc(&w->m, n, sizeof *js->ends);
  if (!js->ends)
    return;
  for (uint32_t i = 0; i < p->nrules; i++) {
    sb_putc(o.b, '{');
    jkey1(&o, true, "id");
    out_json_str(o.b, p->rules[i].id);
    js->ends[2 * (size_t)i] = o.b->len;
    jname(&o, "severity", severity_name(p->rules[i].sev));
    js->ends[2 * (size_t)i + 1] = o.b->len;
  }
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    jname(&o, "verdict", verdict_name((verdict)v));
    js->ends[2 * (size_t)p->nrules + (size_t)v] = o.b->len;
  }
  js->ready = !o.b->oom;
}

static void json_free(renderer *w) {
  json_state *js = w->state;
  sb_free(&js->text);
  mem_free(&w->m, js->ends);
}

/* The fragments for a chunk, when begin() made them. */
static const json_state *jready(const renderer *w) {
  const json_state *js = w->state;
  return js && js->ready ? js : NULL;
}

static void json_begin(renderer *w, sbuf *b) {
  jout o = {.b = b};
  jfragments(w);
  sb_putc(b, '{');
  jkey(&o, 1, true, "format");
  sb_printf(b, "%d", FORMAT_VERSION);
  jkey(&o, 1, false, "policy");
  jpolicy(&o, w->pol);
  jmember(&o, 1, "unknown", unknown_mode_name(w->unknown));
  jkey(&o, 1, false, "results");
  sb_putc(b, '[');
}

/* Results and input errors share the "results" array, in input order. */
static void json_item(renderer *w, jout *o) {
  sb_puts(o->b, w->nvendors + w->nerrors ? "," : "");
  jnl(o, 2);
}

static void json_chunk(const renderer *w, const report *r, uint32_t i,
                       sbuf *b) {
  jout o = {.b = b, .js = jready(w)};
  jvendor(&o, 2, r, i, false);
}

static void json_place(renderer *w, const report *r, uint32_t i,
                       const char *text, size_t len, sbuf *b) {
  jout o = {.b = b};
  POL_UNUSED(r);
  POL_UNUSED(i);
  json_item(w, &o);
  sb_put(b, text, len);
}

static void json_input_error(renderer *w, const char *src, const char *msg,
                             sbuf *b) {
  jout o = {.b = b};
  json_item(w, &o);
  jerror(&o, 2, src, msg, NULL);
}

/* The stamp's "modules" [{file, sha256}]: the policy's imports read
 * from files, when it has any (a key added at the end of the stamp, as
 * the format's stability rule allows). */
static void jmodules(jout *o, int in, const policy_module *pm) {
  if (!pm)
    return;
  jkey(o, in, false, "modules");
  sb_putc(o->b, '[');
  for (bool first = true; pm; pm = pm->next, first = false) {
    sb_puts(o->b, first ? "" : ",");
    jnl(o, in + 1);
    sb_putc(o->b, '{');
    jkey1(o, true, "file");
    out_json_str(o->b, pm->file);
    jmember(o, -1, "sha256", pm->sha256);
    sb_putc(o->b, '}');
  }
  jnl(o, in);
  sb_putc(o->b, ']');
}

/* The stamp (render.h) as an object at [level]: engine, policy (file and
 * SHA-256), as_of, options, inputs [{kind, name, sha256}], modules. */
static void jstamp(jout *o, int level, const renderer *w) {
  const stamp *st = &w->stamp;
  int in = level + 1;
  sb_putc(o->b, '{');
  jkey(o, in, true, "engine");
  out_json_str(o->b, "policyc " POL_VERSION_STRING);
  jkey(o, in, false, "policy");
  sb_putc(o->b, '{');
  jkey1(o, true, "file");
  out_json_str(o->b, w->pol->saved_file ? w->pol->saved_file
                                         : w->pol->file);
  jmember(o, -1, "sha256", w->pol->sha256);
  sb_putc(o->b, '}');
  jmember(o, in, "as_of", st->as_of);
  jmember(o, in, "options", st->options);
  jkey(o, in, false, "inputs");
  sb_putc(o->b, '[');
  for (size_t i = 0; i < st->ninputs; i++) {
    jcomma(o, i);
    jnl(o, in + 1);
    sb_putc(o->b, '{');
    jkey1(o, true, "kind");
    out_json_str(o->b, st->inputs[i].kind ? "waivers" : "facts");
    jmember(o, -1, "name", st->inputs[i].name);
    jmember(o, -1, "sha256", st->inputs[i].sha256);
    sb_putc(o->b, '}');
  }
  if (st->ninputs)
    jnl(o, in);
  sb_putc(o->b, ']');
  jmodules(o, in, w->pol->modules);
  jnl(o, level);
  sb_putc(o->b, '}');
}

void render_json_stamp(const renderer *w, sbuf *b) {
  jout o = {.b = b, .compact = true};
  jstamp(&o, 0, w);
}

static void json_end(renderer *w, sbuf *b) {
  jout o = {.b = b};
  if (w->nvendors + w->nerrors)
    jnl(&o, 1);
  sb_putc(b, ']');
  jkey(&o, 1, false, "stamp");
  jstamp(&o, 1, w);
  sb_puts(b, "\n}\n");
}

const render_ops render_json_ops = {
    "json",     sizeof(json_state), json_begin, json_chunk,
    json_place, json_input_error,   json_end,   json_free};

/* ==== --format ndjson ==================================================== */

/* Nothing comes before the first line; the fragments are made. */
static void ndjson_begin(renderer *w, sbuf *b) {
  POL_UNUSED(b);
  jfragments(w);
}

static void ndjson_chunk(const renderer *w, const report *r, uint32_t i,
                         sbuf *b) {
  jout o = {.b = b, .js = jready(w), .compact = true};
  jvendor(&o, 0, r, i, true);
  sb_putc(b, '\n');
}

/* The last line: {"policy", "stamp"}. */
static void ndjson_end(renderer *w, sbuf *b) {
  jout o = {.b = b, .compact = true};
  sb_putc(b, '{');
  jkey(&o, 0, true, "policy");
  out_json_str(b, w->pol->name);
  jkey(&o, 0, false, "stamp");
  jstamp(&o, 0, w);
  sb_puts(b, "}\n");
}

static void ndjson_error(renderer *w, const char *src, const char *msg,
                         sbuf *b) {
  jout o = {.b = b, .compact = true};
  jerror(&o, 0, src, msg, w->pol->name);
  sb_putc(b, '\n');
}

const render_ops render_ndjson_ops = {
    "ndjson",           sizeof(json_state), ndjson_begin, ndjson_chunk,
    render_place_as_is, ndjson_error,       ndjson_end,   json_free};
