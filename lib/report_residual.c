/*
 * report_residual.c: the residuals of a report's UNKNOWN rules
 * (report.h), worked out when someone first reads one, never while
 * checking: pol_check costs the same as before, and a host that never
 * looks at residuals never pays for them. The work needs the vendor's
 * fact set (still referred to until report_detach, which works out every
 * residual first), a VM of the report's own, with the limits of the last
 * check, and the policy's texts (residual.h).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "pol.h"

/* The report's residual VM, set as vendor [vr]'s rules were checked:
 * now() the same date (a residual worked out at the clock's date would
 * disagree with a verdict checked at an as-of date), the limits of the
 * last check. NULL on out of memory. */
static residual_ctx *ctx_of(report *r, const vendor_result *vr) {
  if (!r->rctx && (r->rctx = mem_alloc(&r->a.m, sizeof *r->rctx)))
    residual_init(r->rctx, r->max_steps, r->max_memory, &r->a.m);
  if (!r->rctx)
    return NULL;
  vm *v = &r->rctx->v;
  v->has_now = vr->has_now;
  v->now_sec = vr->now_sec;
  v->max_steps = r->max_steps;
  v->max_memory = r->max_memory;
  v->a.limit = r->max_memory;
  return r->rctx;
}

void report_residual_free(report *r) {
  if (!r->rctx)
    return;
  residual_free(r->rctx);
  mem_free(&r->a.m, r->rctx);
  r->rctx = NULL;
}

/* [u]'s decisive facts as missing facts of the report, marked withheld
 * or not, with the citation of a refusal. */
static bool mark(report *r, const vendor_result *vr, rule_unknown *u) {
  uint32_t n = u->r.nfacts;
  u->facts = arena_zalloc(&r->a, (n + 1) * sizeof *u->facts);
  if (!u->facts)
    return false;
  for (uint32_t k = 0; k < n; k++) {
    const residual_fact *f = &u->r.facts[k];
    u->facts[k].path = f->path;
    u->facts[k].obj = NULL;
    report_mark(vr, &u->facts[k], f->ends, f->nends);
  }
  return true;
}

/* Whether the path [a] is [b] or above it ([b] goes on with a step). */
static bool at_or_above(const char *a, const char *b) {
  size_t n = strlen(a);
  return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '.' ||
                                   b[n] == '[');
}

/* A residual that kept a macro over a long known range whole names none
 * of its items' facts (residual.h, whole_ranges): the rule's missing
 * facts the check found (at most REPORT_MISSING_MAX) join its decisive
 * facts, after them, unless one of those answers for them already; so
 * an UNKNOWN rule over 5,000 items is asked about, not left without a
 * question. */
static bool add_missing(report *r, const vendor_result *vr, uint32_t i,
                        rule_unknown *u) {
  uint32_t nm, n = u->r.nfacts;
  if (!u->r.whole_ranges)
    return true;
  fact_ref *m = report_refs(r, vr, i, true, &nm);
  if (!nm)
    return true;
  residual_fact *v = arena_alloc(&r->a, (n + nm) * sizeof *v);
  if (!v)
    return false;
  if (n)
    memcpy(v, u->r.facts, n * sizeof *v);
  for (uint32_t k = 0; k < nm; k++) {
    if (!report_resolve(r, vr, &m[k]))
      return false;
    bool have = false;
    for (uint32_t j = 0; j < n && !have; j++)
      have = at_or_above(v[j].path, m[k].path);
    if (have)
      continue;
    uint32_t e[POL_MAX_JSON_DEPTH + 66];
    uint32_t ne = report_ref_ends(r, &m[k], e, POL_COUNTOF(e));
    uint32_t *ends = arena_alloc(&r->a, (ne + 1) * sizeof *ends);
    if (!ends || r->tmp.oom)
      return false;
    memcpy(ends, e, ne * sizeof *ends);
    v[n++] = (residual_fact){m[k].path, ends, ne, NULL};
  }
  u->r.facts = v;
  u->r.nfacts = n;
  return true;
}

/* vr->unknowns, made when first needed; NULL on out of memory. */
static rule_unknown **slots(const report *r, const vendor_result *vr) {
  report *w = (report *)r; /* a cache filled on a const read */
  vendor_result *wv = (vendor_result *)vr;
  if (!wv->unknowns)
    wv->unknowns = arena_zalloc(&w->a, (r->pol->nrules + 1) *
                                           sizeof *wv->unknowns);
  return wv->unknowns;
}

bool report_skipped(const report *r, const vendor_result *vr, uint32_t i,
                    const char **out) {
  const rule *ru = &r->pol->rules[i];
  *out = NULL;
  if (vr->rules[i].v != VD_SKIPPED || ru->when < 0 || vr->rules[i].unchecked)
    return true;
  if (vr->unknowns && vr->unknowns[i]) {
    *out = vr->unknowns[i]->false_when;
    return true;
  }
  *out = ru->when_text;
  if (!vr->vars) /* detached before it was worked out */
    return true;
  report *w = (report *)r;
  rule_unknown **s = slots(r, vr);
  rule_unknown *u = s ? arena_zalloc(&w->a, sizeof *u) : NULL;
  residual_ctx *c = u ? ctx_of(w, vr) : NULL;
  if (!c)
    return false;
  u->status = residual_skipped(c, r->pol, i, vr->vars, &w->a,
                               &u->false_when);
  if (u->status == POL_ENOMEM)
    return false;
  if (u->status != POL_OK)
    u->false_when = ru->when_text;
  s[i] = u;
  *out = u->false_when;
  return true;
}

const rule_unknown *report_unknown(const report *r, const vendor_result *vr,
                                   uint32_t i) {
  if (vr->rules[i].v != VD_UNKNOWN)
    return NULL;
  if (vr->unknowns && vr->unknowns[i])
    return vr->unknowns[i];
  report *w = (report *)r; /* a cache filled on a const read */
  vendor_result *wv = (vendor_result *)vr;
  if (!slots(r, vr))
    return NULL;
  rule_unknown *u = arena_zalloc(&w->a, sizeof *u);
  if (!u)
    return NULL;
  if (!vr->vars) { /* detached before it was worked out */
    u->status = POL_EINVAL;
  } else {
    residual_ctx *c = ctx_of(w, vr);
    if (!c)
      return NULL;
    u->status = residual_rule(c, r->pol, i, vr->vars, &w->a, &u->r);
  }
  if (u->status == POL_ENOMEM ||
      (u->status == POL_OK &&
       (!add_missing(w, vr, i, u) || !mark(w, vr, u))))
    return NULL;
  wv->unknowns[i] = u;
  return u;
}

bool report_unknowns(report *r, vendor_result *vr) {
  const char *when;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    if (vr->rules[i].v == VD_UNKNOWN && !report_unknown(r, vr, i))
      return false;
    if (!report_skipped(r, vr, i, &when))
      return false;
  }
  return true;
}
