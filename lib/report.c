/*
 * report.c: evaluating a policy against vendors (report.h).
 *
 * For each rule the VM runs `when` and `require` with tracing on; the
 * trace gives the fact values read and the fact paths found absent. The
 * verdict follows docs/policies.md: false `when` is SKIPPED, a result
 * that is an absent error is UNKNOWN, any other error (or a non-bool)
 * is ERROR. Values are deep-copied into the report's arena, so a report
 * outlives the fact sets it was made from.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

const char *verdict_name(verdict v) {
  static const char *const names[] = {"PASS", "FAIL", "UNKNOWN", "ERROR",
                                      "SKIPPED"};
  return (unsigned)v < 5 ? names[v] : "?";
}

void report_init(report *r, const policy *pol, unknown_mode unknown) {
  memset(r, 0, sizeof *r);
  r->pol = pol;
  r->unknown = unknown;
  arena_init(&r->a, 0);
  sb_init(&r->tmp);
}

void report_reset(report *r) {
  r->nvendors = 0;
  arena_reset(&r->a);
}

void report_free(report *r) {
  free(r->vendors);
  sb_free(&r->tmp);
  arena_free(&r->a);
  memset(r, 0, sizeof *r);
}

/* ==== the vendor's metadata ============================================== */

/* The per-vendor context of one check. */
typedef struct vendor_ctx {
  report *r;
  vm *v;
  const map *vars;
  const map *evidence;  /* $evidence, or NULL */
  const list *withheld; /* $withheld, or NULL */
} vendor_ctx;

static const val *field(const map *m, const char *key) {
  size_t n = strlen(key);
  return m ? map_get_str(m, key, n, val_hash_bytes(key, n)) : NULL;
}

/* A string field of [m] copied into the report, or NULL. */
static const char *text_field(report *r, const map *m, const char *key) {
  const val *v = field(m, key);
  if (!v || v->kind != V_STRING)
    return NULL;
  return arena_strndup(&r->a, v->as.s->data, v->as.s->len);
}

static const char *base_name(arena *a, const char *origin) {
  const char *b = strrchr(origin, '/');
  b = b ? b + 1 : origin;
  size_t n = strlen(b);
  if (n > 5 && strcmp(b + n - 5, ".json") == 0)
    n -= 5;
  return arena_strndup(a, b, n);
}

static void metadata(vendor_ctx *c, vendor_result *vr, const char *origin) {
  const val *m = field(c->vars, "$vendor");
  const map *vendor = m && m->kind == V_MAP ? m->as.m : NULL;
  vr->source = arena_strndup(&c->r->a, origin, strlen(origin));
  vr->name = text_field(c->r, vendor, "name");
  if (!vr->name)
    vr->name = base_name(&c->r->a, origin);
  vr->service = text_field(c->r, vendor, "service");
  vr->document = text_field(c->r, vendor, "document");
  vr->version = text_field(c->r, vendor, "version");
  vr->date = text_field(c->r, vendor, "date");
  const val *e = field(c->vars, "$evidence");
  c->evidence = e && e->kind == V_MAP ? e->as.m : NULL;
  const val *w = field(c->vars, "$withheld");
  c->withheld = w && w->kind == V_LIST ? w->as.l : NULL;
}

/* The citation for [path]: its own $evidence entry, else its nearest
 * ancestor's. */
static const char *evidence(vendor_ctx *c, const char *path) {
  char buf[512];
  size_t n = strlen(path);
  if (!c->evidence || n >= sizeof buf)
    return NULL;
  memcpy(buf, path, n + 1);
  for (;;) {
    const val *v = field(c->evidence, buf);
    if (v && v->kind == V_STRING)
      return arena_strndup(&c->r->a, v->as.s->data, v->as.s->len);
    char *dot = strrchr(buf, '.');
    if (!dot)
      return NULL;
    *dot = '\0';
  }
}

/* Whether [path] is withheld: listed, or under a listed path. */
static bool withheld(const vendor_ctx *c, const char *path) {
  size_t n = strlen(path);
  for (uint32_t i = 0; c->withheld && i < c->withheld->n; i++) {
    const val *w = &c->withheld->items[i];
    if (w->kind != V_STRING || w->as.s->len > n)
      continue;
    const str *s = w->as.s;
    if (memcmp(s->data, path, s->len) == 0 &&
        (s->len == n || path[s->len] == '.'))
      return true;
  }
  return false;
}

/* ==== collecting the trace =============================================== */

/* Growable lists of used and missing facts for one rule. */
typedef struct facts_seen {
  fact_use *used;
  fact_miss *missing;
  uint32_t nused, nmissing, cap_used, cap_missing;
} facts_seen;

static bool seen_used(const facts_seen *f, const char *path) {
  for (uint32_t i = 0; i < f->nused; i++)
    if (strcmp(f->used[i].path, path) == 0)
      return true;
  return false;
}

/* Whether [path], or a longer path through it, is already missing:
 * "company" adds nothing to "company.country". */
static bool seen_missing(const facts_seen *f, const char *path) {
  size_t n = strlen(path);
  for (uint32_t i = 0; i < f->nmissing; i++) {
    const char *m = f->missing[i].path;
    if (strncmp(m, path, n) == 0 && (m[n] == '\0' || m[n] == '.'))
      return true;
  }
  return false;
}

static bool grow_arena(arena *a, void **p, uint32_t *cap, uint32_t n,
                       size_t elem) {
  if (n < *cap)
    return true;
  uint32_t ncap = *cap ? *cap * 2 : 8;
  void *q = arena_alloc(a, ncap * elem);
  if (!q)
    return false;
  if (*p)
    memcpy(q, *p, n * elem);
  *p = q;
  *cap = ncap;
  return true;
}

static void add_missing(vendor_ctx *c, facts_seen *f, const char *path) {
  if (seen_missing(f, path) ||
      !grow_arena(&c->r->a, (void **)&f->missing, &f->cap_missing,
                  f->nmissing, sizeof *f->missing))
    return;
  fact_miss *m = &f->missing[f->nmissing++];
  m->path = arena_strndup(&c->r->a, path, strlen(path));
  m->withheld = withheld(c, path);
  m->evidence = m->withheld ? evidence(c, path) : NULL;
}

static void add_used(vendor_ctx *c, facts_seen *f, const char *path, val x) {
  if (seen_used(f, path) ||
      !grow_arena(&c->r->a, (void **)&f->used, &f->cap_used, f->nused,
                  sizeof *f->used))
    return;
  fact_use *u = &f->used[f->nused++];
  u->path = arena_strndup(&c->r->a, path, strlen(path));
  u->value = val_deepcopy(&c->r->a, x);
  u->evidence = evidence(c, path);
}

/* Copy the last run's trace into [f]. */
static void take_trace(vendor_ctx *c, facts_seen *f) {
  for (size_t i = 0; i < c->v->ntrace; i++) {
    const vm_trace *t = &c->v->trace[i];
    if (t->missing)
      add_missing(c, f, t->path->data);
    else
      add_used(c, f, t->path->data, t->value);
  }
}

/* ==== one rule =========================================================== */

/* "file:line:col: message" for an error value of the policy program. */
static const char *reason(vendor_ctx *c, const err *e) {
  const program *p = c->r->pol->prog;
  if (e->loc < 0 || (uint32_t)e->loc >= p->ncode)
    return arena_strndup(&c->r->a, e->msg, strlen(e->msg));
  const loc *l = &p->locs[e->loc];
  return arena_printf(&c->r->a, "%s:%u:%u: %s", p->srcs[l->src].name,
                      l->line, l->col, e->msg);
}

/* Run one entry; classify the value: true/false, or set the verdict. */
static bool run_entry(vendor_ctx *c, uint32_t entry, facts_seen *f,
                      rule_result *rr, const char *what) {
  val x = vm_run(c->v, c->r->pol->prog, entry, c->vars);
  take_trace(c, f);
  if (x.kind == V_BOOL)
    return x.as.b;
  if (x.kind == V_ERROR && x.as.e->kind == ERR_ABSENT) {
    rr->v = VD_UNKNOWN;
    if (x.as.e->path)
      add_missing(c, f, x.as.e->path);
  } else if (x.kind == V_ERROR) {
    rr->v = VD_ERROR;
    rr->reason = reason(c, x.as.e);
  } else { /* located at the expression's first instruction */
    const program *p = c->r->pol->prog;
    const loc *l = &p->locs[entry];
    const char *kind = val_kind_name(x.kind);
    rr->v = VD_ERROR;
    rr->reason = arena_printf(&c->r->a, "%s:%u:%u: '%s' gave %s %s, not a "
                              "bool", p->srcs[l->src].name, l->line, l->col,
                              what, strchr("aeiou", kind[0]) ? "an" : "a",
                              kind);
  }
  return false;
}

/* The message template with each {expr} replaced by its value. */
static const char *render_message(vendor_ctx *c, const rule *ru) {
  sbuf *b = &c->r->tmp;
  b->len = 0;
  for (uint32_t i = 0; i < ru->nmessage; i++) {
    const tmpl_part *t = &ru->message[i];
    if (t->entry < 0) {
      sb_puts(b, t->text);
      continue;
    }
    val x = vm_run(c->v, c->r->pol->prog, (uint32_t)t->entry, c->vars);
    if (x.kind == V_STRING)
      sb_put(b, x.as.s->data, x.as.s->len);
    else if (x.kind == V_ERROR)
      sb_printf(b, "{%s: ?}", t->text); /* an undisclosed value */
    else
      val_print(b, x);
  }
  return b->oom ? NULL : arena_strndup(&c->r->a, b->p ? b->p : "", b->len);
}

static void check_rule(vendor_ctx *c, const rule *ru, rule_result *rr) {
  facts_seen f;
  memset(&f, 0, sizeof f);
  rr->v = VD_PASS;
  bool applies = true;
  if (ru->when >= 0) {
    applies = run_entry(c, (uint32_t)ru->when, &f, rr, "when");
    if (!applies && rr->v == VD_PASS)
      rr->v = VD_SKIPPED;
  }
  if (applies)
    rr->v = run_entry(c, ru->require, &f, rr, "require")
                ? VD_PASS
                : (rr->v == VD_PASS ? VD_FAIL : rr->v);
  if (ru->message && (rr->v == VD_PASS || rr->v == VD_FAIL))
    rr->message = render_message(c, ru);
  rr->used = f.used;
  rr->nused = f.nused;
  if (rr->v == VD_UNKNOWN) {
    rr->missing = f.missing;
    rr->nmissing = f.nmissing;
  }
}

/* ==== one vendor ========================================================= */

static void tally(const report *r, vendor_result *vr) {
  vr->compliant = true;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    verdict v = vr->rules[i].v;
    severity s = r->pol->rules[i].sev;
    vr->count[v][s]++;
    if (s != SEV_MUST)
      continue;
    if (v == VD_FAIL || v == VD_ERROR ||
        (v == VD_UNKNOWN && r->unknown == UNKNOWN_FAIL))
      vr->compliant = false;
  }
}

static vendor_result *new_vendor(report *r) {
  if (!mem_grow((void **)&r->vendors, &r->cap, (size_t)r->nvendors + 1,
                sizeof *r->vendors))
    return NULL;
  vendor_result *vr = &r->vendors[r->nvendors];
  memset(vr, 0, sizeof *vr);
  vr->rules = arena_zalloc(&r->a, (r->pol->nrules + 1) * sizeof *vr->rules);
  if (!vr->rules)
    return NULL;
  r->nvendors++;
  return vr;
}

bool report_check(report *r, vm *v, const map *vars, const char *origin) {
  vendor_result *vr = new_vendor(r);
  if (!vr)
    return false;
  vendor_ctx c = {r, v, vars, NULL, NULL};
  metadata(&c, vr, origin);
  bool tracing = v->tracing;
  v->tracing = true;
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    check_rule(&c, &r->pol->rules[i], &vr->rules[i]);
  v->tracing = tracing;
  tally(r, vr);
  return !r->a.failed;
}
