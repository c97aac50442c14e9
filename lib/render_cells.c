/*
 * render_cells.c: the verdict cells the matrix formats keep while
 * vendors stream (render.h), and the scores made from them; the inputs
 * that could not be checked, kept for a format's end.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ==== inputs not checked ================================================ */

void errors_init(error_store *s, const mem *m) {
  memset(s, 0, sizeof *s);
  arena_init(&s->a, 0, m);
}

void errors_free(error_store *s) {
  mem m = s->a.m;
  arena_free(&s->a);
  mem_free(&m, s->e);
  memset(s, 0, sizeof *s);
}

bool errors_keep(error_store *s, uint64_t at, const char *src,
                 const char *message) {
  if (s->total++ >= ERRORS_KEPT)
    return true;
  if (!mem_grow(&s->a.m, (void **)&s->e, &s->cap, s->n + 1, sizeof *s->e))
    return !(s->oom = true);
  input_error *e = &s->e[s->n];
  e->at = at;
  e->source = arena_strndup(&s->a, src, strlen(src));
  e->message = arena_strndup(&s->a, message, strlen(message));
  if (!e->source || !e->message)
    return !(s->oom = true);
  s->n++;
  return true;
}

/* The number at [s], when digits start there and [end] follows them. */
static bool number_then(const char *s, const char *end, unsigned *n,
                        const char **after) {
  char *e;
  if (*s < '0' || *s > '9')
    return false;
  unsigned long v = strtoul(s, &e, 10);
  if (strncmp(e, end, strlen(end)) != 0 || v > 0xFFFFFFFFul)
    return false;
  *n = (unsigned)v;
  *after = e;
  return true;
}

/* Whether [msg] starts with the first [k] bytes of [src] and a colon,
 * then "LINE:COL: ", "LINE: " or a space (no place in the file). */
static bool starts_at(const char *src, size_t k, const char *msg,
                      unsigned *line, unsigned *col) {
  const char *p = msg + k, *q;
  *line = *col = 0;
  if (strncmp(msg, src, k) != 0 || *p++ != ':')
    return false;
  if (number_then(p, ":", line, &q) && number_then(q + 1, ": ", col, &q))
    return true;
  *col = 0;
  if (number_then(p, ": ", line, &q))
    return true;
  *line = 0;
  return *p == ' ';
}

bool render_error_where(const char *src, const char *msg,
                        size_t *file_len, unsigned *line, unsigned *col) {
  size_t n = strlen(src), k = n;
  while (k > 0 && src[k - 1] >= '0' && src[k - 1] <= '9')
    k--;
  /* "FILE:LINE", a record of a stream: the file comes before ":LINE" */
  if (k < n && k > 1 && src[k - 1] == ':' &&
      starts_at(src, k - 1, msg, line, col)) {
    *file_len = k - 1;
    return true;
  }
  *file_len = n;
  return starts_at(src, n, msg, line, col);
}

/* ==== verdict cells ====================================================== */

void cells_init(cell_store *c, const mem *m) {
  memset(c, 0, sizeof *c);
  arena_init(&c->a, 0, m);
  errors_init(&c->errs, m);
}

void cells_free(cell_store *c) {
  mem m = c->a.m;
  arena_free(&c->a);
  errors_free(&c->errs);
  mem_free(&m, c->v);
  mem_free(&m, c->cells);
  memset(c, 0, sizeof *c);
}

bool cells_error(cell_store *c, const char *src, const char *message) {
  return errors_keep(&c->errs, c->nv, src, message) || !(c->oom = true);
}

static const char *keep(cell_store *c, const char *s) {
  return s ? arena_strndup(&c->a, s, strlen(s)) : NULL;
}

static uint8_t cell_of(const rule_result *rr) {
  uint8_t b = (uint8_t)rr->v;
  if (rr->waiver)
    b |= rr->waiver_expired ? CELL_EXPIRED : CELL_WAIVED;
  if (rr->unchecked)
    b |= CELL_UNCHECKED;
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
