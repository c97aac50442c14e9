/*
 * render_json.c: the JSON and NDJSON reports (render.h).
 *
 * --format json is one document, {"policy", "unknown", "results": [...]},
 * written as the vendors come: the head first, each vendor's object as
 * soon as it is checked, the closing brackets at the end, so a stream of
 * any length stays one valid document without being held in memory.
 * --format ndjson writes each vendor's object (the same members, plus the
 * policy's name) on a line of its own: the form for pipelines.
 */
#include <string.h>

#include "json.h"
#include "out.h"
#include "render.h"

/* Where a member goes: [level] of indentation, or none at all when the
 * JSON is compact. */
typedef struct jout {
  sbuf *b;
  bool compact;
} jout;

static void jnl(jout *o, int level) {
  if (o->compact)
    return;
  sb_putc(o->b, '\n');
  out_spaces(o->b, 2 * (size_t)level);
}

/* Start the member [key] of an object at [level]; [first] says whether a
 * comma is due. */
static void jkey(jout *o, int level, bool first, const char *key) {
  if (!first)
    sb_putc(o->b, ',');
  jnl(o, level);
  out_json_str(o->b, key);
  sb_puts(o->b, o->compact ? ":" : ": ");
}

static void jmember(jout *o, int level, const char *key, const char *s) {
  jkey(o, level, false, key);
  out_json_str(o->b, s);
}

/* Append [v] through json_write, its lines indented to [level]. */
static void jvalue(jout *o, val v, int level) {
  if (o->compact) {
    json_write(o->b, v, 0);
    return;
  }
  sbuf t;
  sb_init(&t);
  json_write(&t, v, 2);
  size_t start = 0;
  for (size_t i = 0; i < t.len; i++) {
    if (t.p[i] != '\n')
      continue;
    sb_put(o->b, t.p + start, i - start);
    jnl(o, level);
    start = i + 1;
  }
  sb_put(o->b, t.p + start, t.len - start);
  o->b->oom |= t.oom;
  sb_free(&t);
}

/* An array of strings at [level]: one per line, [] when empty. */
static void jstrings(jout *o, int level, const char *const *s, uint32_t n) {
  sb_putc(o->b, '[');
  for (uint32_t i = 0; i < n; i++) {
    sb_puts(o->b, i ? "," : "");
    jnl(o, level + 1);
    out_json_str(o->b, s[i]);
  }
  if (n)
    jnl(o, level);
  sb_putc(o->b, ']');
}

/* The citation of [f], and whose it is when it is an ancestor's. */
static void jevidence(jout *o, int level, const fact_ref *f) {
  jkey(o, level, false, "evidence");
  if (!f->evidence) {
    sb_puts(o->b, "null");
    return;
  }
  out_json_span(o->b, f->evidence->data, f->evidence->len);
  if (f->ev_len < strlen(f->path)) {
    jkey(o, level, false, "evidence_of");
    out_json_span(o->b, f->path, f->ev_len);
  }
}

/* {"path", "value", "evidence"[, "evidence_of"][, "decided"]} of a fact
 * read; {"path", "present": false} of a presence test that failed. */
static void jfact(jout *o, int level, const fact_ref *f) {
  sb_putc(o->b, '{');
  jkey(o, level + 1, true, "path");
  out_json_str(o->b, f->path);
  if (f->kind == FR_ABSENT) {
    jkey(o, level + 1, false, "present");
    sb_puts(o->b, "false");
  } else {
    jkey(o, level + 1, false, "value");
    jvalue(o, report_value(f), level + 1);
    jevidence(o, level + 1, f);
    if (f->decided) {
      jkey(o, level + 1, false, "decided");
      sb_puts(o->b, "true");
    }
  }
  jnl(o, level);
  sb_putc(o->b, '}');
}

static void jfacts(jout *o, int level, const report *r,
                   const vendor_result *vr, uint32_t i) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, false, &n);
  sb_putc(o->b, '[');
  for (uint32_t k = 0; k < n; k++) {
    o->b->oom |= !report_resolve(r, vr, &f[k]);
    sb_puts(o->b, k ? "," : "");
    jnl(o, level + 1);
    jfact(o, level + 1, &f[k]);
  }
  if (n)
    jnl(o, level);
  sb_putc(o->b, ']');
}

/* The paths of the rule's missing facts (only the withheld ones when
 * [withheld]), as an array at [level]. */
static void jpaths(jout *o, int level, const report *r,
                   const vendor_result *vr, uint32_t i, bool withheld) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, true, &n);
  bool first = true;
  sb_putc(o->b, '[');
  for (uint32_t k = 0; k < n; k++) {
    o->b->oom |= !report_resolve(r, vr, &f[k]);
    if (withheld && !f[k].withheld)
      continue;
    sb_puts(o->b, first ? "" : ",");
    jnl(o, level + 1);
    out_json_str(o->b, f[k].path);
    first = false;
  }
  if (!first)
    jnl(o, level);
  sb_putc(o->b, ']');
}

/* {"path", "evidence"} of each missing fact that has a citation (the
 * vendor's refusal, for a withheld fact), at [level]. */
static void jmissing_evidence(jout *o, int level, const report *r,
                              const vendor_result *vr, uint32_t i) {
  uint32_t n;
  fact_ref *f = report_refs(r, vr, i, true, &n);
  bool first = true;
  sb_putc(o->b, '[');
  for (uint32_t k = 0; k < n; k++) {
    if (!f[k].evidence)
      continue;
    sb_puts(o->b, first ? "" : ",");
    jnl(o, level + 1);
    sb_putc(o->b, '{');
    jkey(o, level + 2, true, "path");
    out_json_str(o->b, f[k].path);
    jevidence(o, level + 2, &f[k]);
    jnl(o, level + 1);
    sb_putc(o->b, '}');
    first = false;
  }
  if (!first)
    jnl(o, level);
  sb_putc(o->b, ']');
}

/* One element of "rules", at [level]. */
static void jrule(jout *o, int level, const report *r,
                  const vendor_result *vr, uint32_t i) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  int in = level + 1;
  sb_putc(o->b, '{');
  jkey(o, in, true, "id");
  out_json_str(o->b, ru->id);
  jmember(o, in, "title", ru->title);
  jmember(o, in, "verdict", verdict_name(rr->v));
  jmember(o, in, "severity", severity_name(ru->sev));
  jkey(o, in, false, "refs");
  jstrings(o, in, ru->refs, ru->nrefs);
  jkey(o, in, false, "facts");
  jfacts(o, in, r, vr, i);
  if (rr->more) {
    jkey(o, in, false, "facts_omitted");
    sb_printf(o->b, "%u", rr->more);
  }
  jkey(o, in, false, "missing");
  jpaths(o, in, r, vr, i, false);
  jkey(o, in, false, "withheld");
  jpaths(o, in, r, vr, i, true);
  jkey(o, in, false, "missing_evidence");
  jmissing_evidence(o, in, r, vr, i);
  jmember(o, in, "message", rr->message);
  jmember(o, in, "reason", rr->reason);
  jmember(o, in, "ask", ru->ask);
  jnl(o, level);
  sb_putc(o->b, '}');
}

/* {"PASS": n, ...}: counts over every severity, at [level]. */
static void jsummary(jout *o, int level, const vendor_result *vr) {
  sb_putc(o->b, '{');
  for (int v = VD_PASS; v <= VD_SKIPPED; v++) {
    const uint32_t *c = vr->count[v];
    jkey(o, level + 1, v == VD_PASS, verdict_name((verdict)v));
    sb_printf(o->b, "%u", c[0] + c[1] + c[2]);
  }
  jnl(o, level);
  sb_putc(o->b, '}');
}

/* The object of vendor [j], at [level]; with the policy's name first
 * when [policy] (NDJSON lines stand alone). */
static void jvendor(jout *o, int level, const report *r, uint32_t j,
                    bool named) {
  const vendor_result *vr = &r->vendors[j];
  const policy *p = r->pol;
  int in = level + 1;
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
  jsummary(o, in, vr);
  jkey(o, in, false, "rules");
  sb_putc(o->b, '[');
  for (uint32_t i = 0; i < p->nrules; i++) {
    sb_puts(o->b, i ? "," : "");
    jnl(o, in + 1);
    jrule(o, in + 1, r, vr, i);
  }
  if (p->nrules)
    jnl(o, in);
  sb_putc(o->b, ']');
  jnl(o, level);
  sb_putc(o->b, '}');
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

static void json_begin(renderer *w, sbuf *b) {
  const policy *p = w->pol;
  jout o = {b, false};
  sb_putc(b, '{');
  jkey(&o, 1, true, "policy");
  sb_putc(b, '{');
  jkey(&o, 2, true, "name");
  out_json_str(b, p->name);
  jmember(&o, 2, "title", p->title);
  jmember(&o, 2, "version", p->version);
  jmember(&o, 2, "file", p->file);
  jnl(&o, 1);
  sb_putc(b, '}');
  jmember(&o, 1, "unknown", unknown_mode_name(w->unknown));
  jkey(&o, 1, false, "results");
  sb_putc(b, '[');
}

/* Results and input errors share the "results" array, in input order. */
static void json_item(renderer *w, jout *o) {
  sb_puts(o->b, w->nvendors + w->nerrors ? "," : "");
  jnl(o, 2);
}

static void json_vendor(renderer *w, const report *r, uint32_t i,
                        sbuf *b) {
  jout o = {b, false};
  json_item(w, &o);
  jvendor(&o, 2, r, i, false);
}

static void json_input_error(renderer *w, const char *src, const char *msg,
                       sbuf *b) {
  jout o = {b, false};
  json_item(w, &o);
  jerror(&o, 2, src, msg, NULL);
}

static void json_end(renderer *w, sbuf *b) {
  jout o = {b, false};
  if (w->nvendors + w->nerrors)
    jnl(&o, 1);
  sb_puts(b, "]\n}\n");
}

const render_ops render_json_ops = {"json", 0, json_begin, json_vendor,
                                    json_input_error, json_end, NULL};

/* ==== --format ndjson ==================================================== */

static void ndjson_begin(renderer *w, sbuf *b) {
  POL_UNUSED(w);
  POL_UNUSED(b);
}

static void ndjson_vendor(renderer *w, const report *r, uint32_t i,
                          sbuf *b) {
  jout o = {b, true};
  POL_UNUSED(w);
  jvendor(&o, 0, r, i, true);
  sb_putc(b, '\n');
}

static void ndjson_error(renderer *w, const char *src, const char *msg,
                         sbuf *b) {
  jout o = {b, true};
  jerror(&o, 0, src, msg, w->pol->name);
  sb_putc(b, '\n');
}

const render_ops render_ndjson_ops = {"ndjson", 0, ndjson_begin,
                                      ndjson_vendor, ndjson_error,
                                      ndjson_begin, NULL};
