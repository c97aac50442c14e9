/*
 * render_cells.c: the verdict cells the matrix formats keep while
 * vendors stream (render.h), and the scores made from them.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

void cells_init(cell_store *c, const mem *m) {
  memset(c, 0, sizeof *c);
  arena_init(&c->a, 0, m);
}

void cells_free(cell_store *c) {
  mem m = c->a.m;
  arena_free(&c->a);
  mem_free(&m, c->v);
  mem_free(&m, c->cells);
  memset(c, 0, sizeof *c);
}

static const char *keep(cell_store *c, const char *s) {
  return s ? arena_strndup(&c->a, s, strlen(s)) : NULL;
}

static uint8_t cell_of(const rule_result *rr) {
  uint8_t b = (uint8_t)rr->v;
  if (rr->waiver)
    b |= rr->waiver_expired ? CELL_EXPIRED : CELL_WAIVED;
  return b;
}

bool cells_keep(cell_store *c, const report *r, const vendor_result *vr) {
  size_t nr = r->pol->nrules;
  if (!mem_grow(&c->a.m, (void **)&c->v, &c->cap_v, c->nv + 1,
                sizeof *c->v) ||
      !mem_grow(&c->a.m, (void **)&c->cells, &c->cap_cells,
                (c->nv + 1) * nr + 1, 1))
    return !(c->oom = true);
  cell_vendor *v = &c->v[c->nv];
  memset(v, 0, sizeof *v);
  v->name = keep(c, vr->name);
  v->service = keep(c, vr->service);
  v->source = keep(c, vr->source);
  v->compliant = vr->compliant;
  v->nwaived = vr->nwaived;
  for (size_t i = 0; i < nr; i++) {
    const rule_result *rr = &vr->rules[i];
    c->cells[c->nv * nr + i] = cell_of(rr);
    v->count[rr->v]++;
    v->used += rr->nused;
    v->missing += rr->nmissing;
  }
  c->nv++;
  return !(c->oom |= c->a.failed);
}

const uint8_t *cells_row(const cell_store *c, const policy *p, size_t j) {
  return c->cells + j * p->nrules;
}

int cells_score(const cell_vendor *v) {
  uint32_t applicable = 0;
  for (int k = VD_PASS; k <= VD_ERROR; k++)
    applicable += v->count[k];
  return applicable ? (int)(100.0 * v->count[VD_PASS] / applicable + 0.5)
                    : -1;
}

int cells_disclosure(const cell_vendor *v) {
  uint32_t needed = v->used + v->missing;
  return needed ? (int)(100.0 * v->used / needed + 0.5) : -1;
}

const rule_unknown *render_unknown(const report *r, const vendor_result *vr,
                                  uint32_t i, sbuf *out) {
  const rule_unknown *u = report_unknown(r, vr, i);
  if (!u && vr->rules[i].v == VD_UNKNOWN)
    out->oom = true; /* the only other reason for none */
  return u && u->status == POL_OK ? u : NULL;
}

const char *render_residual(const report *r, const vendor_result *vr,
                            uint32_t i, sbuf *out) {
  const rule_unknown *u = render_unknown(r, vr, i, out);
  return u ? u->r.passes : NULL;
}

const char *render_skipped(const report *r, const vendor_result *vr,
                           uint32_t i, sbuf *out) {
  const char *s;
  if (!report_skipped(r, vr, i, &s))
    out->oom = true;
  return s;
}
