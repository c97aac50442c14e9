/*
 * api_report.c: policies, reports and writers (pol.h "policies",
 * "writing reports"). A pol_report is a report (report.h) plus the text
 * of its last rendering; a pol_writer is a renderer (render.h) plus the
 * host's write callback.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h" /* generated: POL_MODULE_DIR */
#include "file.h"
#include "handles.h"
#include "sha256.h"
#include "time.h"
#include "json.h"
#include "validate.h"

/* ==== policies =========================================================== */

int pol_policy_compile(pol_env *env, const char *src, size_t len,
                       const char *name, pol_policy **out) {
  if (out)
    *out = NULL;
  if (!env)
    return POL_EINVAL;
  if (!src || !out)
    return api_refused(&env->errmsg, __func__,
                       src ? "no out pointer (NULL)" : "no source (NULL)");
  diag_set_free(&env->diags);
  /* the install's module directory comes after the host's own */
  const char **dirs = mem_calloc(&env->m, env->ndirs + 2, sizeof *dirs);
  if (!dirs)
    return POL_ENOMEM;
  if (env->ndirs) /* memcpy from NULL is undefined, even for 0 bytes */
    memcpy(dirs, env->dirs, env->ndirs * sizeof *dirs);
  size_t ndirs = env->ndirs;
  dirs[ndirs++] = POL_MODULE_DIR;
  policy_paths paths = {
      .dirs = dirs, .ndirs = ndirs, .hosts = env->hosts,
      .no_files = (env->cfg.flags & POL_NO_FILE_IMPORTS) != 0,
      .keep_source = (env->cfg.flags & POL_KEEP_SOURCE) != 0,
      .no_jit = (env->cfg.flags & POL_NO_JIT) != 0};
  policy *p = policy_compile(src, len, name ? name : "<policy>", &paths,
                             &env->diags);
  mem_free(&env->m, dirs);
  if (p) {
    sha256_of(src, len, p->sha256);
    p->max_steps = env->cfg.max_steps;
    p->max_memory = env->cfg.max_memory;
  }
  *out = (pol_policy *)p;
  return p ? POL_OK : api_compile_failed(env);
}

int pol_policy_compile_file(pol_env *env, const char *path,
                            pol_policy **out) {
  char *text;
  size_t len;
  if (out)
    *out = NULL;
  if (!env)
    return POL_EINVAL;
  if (!path || !out)
    return api_refused(&env->errmsg, __func__,
                       path ? "no out pointer (NULL)" : "no path (NULL)");
  int rc = file_read(&env->m, path, &text, &len);
  if (rc) {
    api_msg(&env->errmsg, "%s: %s", path, strerror(rc));
    return rc == ENOMEM ? POL_ENOMEM : POL_EIO;
  }
  rc = pol_policy_compile(env, text, len, path, out);
  mem_free(&env->m, text);
  return rc;
}

void pol_policy_free(pol_policy *pol) { policy_free((policy *)pol); }

const char *pol_policy_info(const pol_policy *pol, int what) {
  const policy *p = POLICY(pol);
  if (!p)
    return NULL;
  switch (what) {
  case POL_POLICY_NAME: return p->name;
  case POL_POLICY_TITLE: return p->title;
  case POL_POLICY_VERSION: return p->version;
  case POL_POLICY_DESCRIPTION: return p->description;
  case POL_POLICY_FILE: return p->file;
  default: return NULL;
  }
}

size_t pol_policy_rule_count(const pol_policy *pol) {
  return pol ? POLICY(pol)->nrules : 0;
}

static const rule *rule_at(const pol_policy *pol, size_t i) {
  return i < pol_policy_rule_count(pol) ? &POLICY(pol)->rules[i] : NULL;
}

const char *pol_policy_rule_id(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? r->id : NULL;
}

const char *pol_policy_rule_title(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? r->title : NULL;
}

const char *pol_policy_rule_severity(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? severity_name(r->sev) : NULL;
}

pol_severity pol_policy_rule_level(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? (pol_severity)r->sev : (pol_severity)-1;
}

size_t pol_policy_rule_find(const pol_policy *pol, const char *id) {
  int64_t i = pol && id ? policy_rule_find(POLICY(pol), id) : -1;
  return i < 0 ? POL_NOT_FOUND : (size_t)i;
}

size_t pol_policy_rule_ref_count(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? r->nrefs : 0;
}

const char *pol_policy_rule_ref(const pol_policy *pol, size_t i, size_t k) {
  const rule *r = rule_at(pol, i);
  return r && k < r->nrefs ? r->refs[k] : NULL;
}

const char *pol_policy_rule_ask(const pol_policy *pol, size_t i) {
  const rule *r = rule_at(pol, i);
  return r ? r->ask : NULL;
}

const char *pol_policy_rule_file(const pol_policy *pol, size_t i,
                                 unsigned *line, unsigned *col) {
  const rule *r = rule_at(pol, i);
  if (line)
    *line = r ? r->line : 0;
  if (col)
    *col = r ? r->col : 0;
  return r ? r->file : NULL;
}

const char *pol_severity_name(pol_severity s) {
  return (unsigned)s <= POL_MAY ? severity_name((severity)s) : NULL;
}

const char *pol_verdict_name(pol_verdict v) {
  return (unsigned)v <= POL_SKIPPED ? verdict_name((verdict)v) : NULL;
}

_Static_assert((int)POL_SKIPPED == (int)VD_SKIPPED &&
                   (int)POL_MAY == (int)SEV_MAY,
               "pol_verdict and pol_severity mirror the internal enums");

/* ==== reports ============================================================ */

int pol_report_new(const pol_policy *pol, int mode, pol_report **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!pol || mode < 0 || mode > 2)
    return POL_EINVAL;
  const mem *m = &POLICY(pol)->a.m; /* the policy's env's allocator */
  pol_report *r = mem_calloc(m, 1, sizeof *r);
  if (!r)
    return POL_ENOMEM;
  report_init(&r->r, POLICY(pol), (unknown_mode)mode);
  sb_init(&r->text, m);
  sb_init(&r->tmp, m);
  *out = r;
  return POL_OK;
}

void pol_report_free(pol_report *rep) {
  if (!rep)
    return;
  mem m = rep->r.a.m;
  report_free(&rep->r);
  sb_free(&rep->text);
  sb_free(&rep->tmp);
  mem_free(&m, rep->chunk_end);
  mem_free(&m, rep);
}

static int check(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
                 const char *name, size_t r, bool one) {
  if (!ctx)
    return POL_EINVAL;
  if (!rep || !facts)
    return api_refused(&ctx->errmsg, one ? "pol_check_rule" : "pol_check",
                       rep ? "no fact set (NULL)" : "no report (NULL)");
  if (ctx->busy)
    return api_busy(ctx, one ? "pol_check_rule" : "pol_check");
  name = name ? name : "-";
  rep->r.base = facts->base; /* for this check only */
  /* now() in the rules is the report's as-of date, else the ctx's, for
   * this check only */
  ctx->vm.has_now = rep->r.has_as_of || ctx->has_as_of;
  ctx->vm.now_sec = rep->r.has_as_of ? rep->r.as_of : ctx->as_of;
  ctx->busy = true;
  int rc = one ? report_check_rule(&rep->r, &ctx->vm, &ctx->scratch,
                                   facts->vars, name,
                                   (uint32_t)(r > UINT32_MAX ? UINT32_MAX : r))
               : report_check(&rep->r, &ctx->vm, &ctx->scratch, facts->vars,
                              name);
  ctx->busy = false;
  rep->r.base = NULL;
  if (rc == POL_ENOMEM)
    api_msg(&ctx->errmsg, "out of memory while checking %s", name);
  else if (rc == POL_EINTERRUPT)
    api_msg(&ctx->errmsg, "checking %s: interrupted", name);
  else if (rc == POL_EINVAL)
    api_msg(&ctx->errmsg, "checking %s: no rule %zu", name, r);
  ctx->vm.has_now = false;
  return rc;
}

int pol_check(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
              const char *name) {
  return check(ctx, rep, facts, name, 0, false);
}

int pol_check_rule(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
                   const char *name, size_t r) {
  return check(ctx, rep, facts, name, r, true);
}

void pol_report_reset(pol_report *rep) {
  if (rep)
    report_reset(&rep->r);
}

int pol_report_detach(pol_report *rep) {
  if (!rep)
    return POL_EINVAL;
  return report_detach(&rep->r) ? POL_OK : POL_ENOMEM;
}

size_t pol_report_vendor_count(const pol_report *rep) {
  return rep ? rep->r.nvendors : 0;
}

static const vendor_result *vendor(const pol_report *rep, size_t i) {
  return rep && i < rep->r.nvendors ? &rep->r.vendors[i] : NULL;
}

bool pol_report_compliant(const pol_report *rep, size_t i) {
  const vendor_result *vr = vendor(rep, i);
  return vr && vr->compliant;
}

size_t pol_report_count(const pol_report *rep, size_t i, pol_verdict v) {
  const vendor_result *vr = vendor(rep, i);
  if (!vr || (unsigned)v > POL_SKIPPED)
    return 0;
  const uint32_t *c = vr->count[v];
  return (size_t)c[0] + c[1] + c[2];
}

/* Rule [r] of vendor [i], or NULL if out of range. */
static const rule_result *result(const pol_report *rep, size_t i, size_t r) {
  const vendor_result *vr = vendor(rep, i);
  return vr && r < rep->r.pol->nrules ? &vr->rules[r] : NULL;
}

const char *pol_report_verdict(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? verdict_name(rr->v) : NULL;
}

int pol_report_verdict_code(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? (int)rr->v : -1;
}

const char *pol_report_vendor(const pol_report *rep, size_t i, int what) {
  const vendor_result *vr = vendor(rep, i);
  if (!vr)
    return NULL;
  switch (what) {
  case POL_VENDOR_NAME: return vr->name;
  case POL_VENDOR_SERVICE: return vr->service;
  case POL_VENDOR_DOCUMENT: return vr->document;
  case POL_VENDOR_VERSION: return vr->version;
  case POL_VENDOR_DATE: return vr->date;
  case POL_VENDOR_SOURCE: return vr->source;
  default: return NULL;
  }
}

const char *pol_report_vendor_name(const pol_report *rep, size_t i) {
  return pol_report_vendor(rep, i, POL_VENDOR_NAME);
}

const char *pol_report_message(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? report_message(&rep->r, &rep->r.vendors[i], (uint32_t)r) : NULL;
}

const char *pol_report_reason(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->reason : NULL;
}

/* An interrupted check adds no vendor, and one out of memory neither:
 * of the evaluation's failures, only limits and errors become verdicts. */
int pol_report_status(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  if (!rr)
    return POL_EINVAL;
  if (rr->v != VD_ERROR)
    return POL_OK;
  return rr->limit ? POL_ELIMIT : POL_ERUNTIME;
}

/* Fact [k] of rule [r] of vendor [i] (missing ones when [missing]),
 * resolved; NULL if out of range or out of memory. */
static fact_ref *fact(const pol_report *rep, size_t i, size_t r, size_t k,
                      bool missing) {
  const vendor_result *vr = vendor(rep, i);
  if (!vr || r >= rep->r.pol->nrules)
    return NULL;
  uint32_t n;
  fact_ref *f = report_refs(&rep->r, vr, (uint32_t)r, missing, &n);
  if (k >= n || !report_resolve(&rep->r, vr, &f[k]))
    return NULL;
  return &f[k];
}

size_t pol_report_fact_count(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->nused : 0;
}

const char *pol_report_fact_path(const pol_report *rep, size_t i, size_t r,
                                 size_t k) {
  const fact_ref *f = fact(rep, i, r, k, false);
  return f ? f->path : NULL;
}

const pol_value *pol_report_fact_value(const pol_report *rep, size_t i,
                                       size_t r, size_t k) {
  fact_ref *f = fact(rep, i, r, k, false);
  if (!f || f->kind == FR_ABSENT)
    return NULL;
  if (f->kind == FR_READ && !f->detached) /* the slot in the fact set */
    return (const pol_value *)(f->okind == V_MAP
                                   ? &((const map *)f->obj)->vals[f->entry]
                                   : &((const list *)f->obj)
                                          ->items[f->entry]);
  return (const pol_value *)&f->value;
}

const char *pol_report_fact_evidence(const pol_report *rep, size_t i,
                                     size_t r, size_t k) {
  const fact_ref *f = fact(rep, i, r, k, false);
  return f && f->evidence ? f->evidence->data : NULL;
}

const char *pol_report_fact_evidence_of(const pol_report *rep, size_t i,
                                        size_t r, size_t k) {
  const fact_ref *f = fact(rep, i, r, k, false);
  if (!f || !f->evidence)
    return NULL;
  if (!report_cites_other(f))
    return f->path;
  report *w = (report *)&rep->r; /* a cache filled on a const read */
  return arena_strndup(&w->a, f->path + f->ev_off, f->ev_len);
}

bool pol_report_fact_decided(const pol_report *rep, size_t i, size_t r,
                             size_t k) {
  const fact_ref *f = fact(rep, i, r, k, false);
  return f && f->decided;
}

size_t pol_report_fact_omitted(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->more : 0;
}

size_t pol_report_missing_count(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->nmissing : 0;
}

const char *pol_report_missing_path(const pol_report *rep, size_t i,
                                    size_t r, size_t k) {
  const fact_ref *f = fact(rep, i, r, k, true);
  return f ? f->path : NULL;
}

bool pol_report_missing_withheld(const pol_report *rep, size_t i, size_t r,
                                 size_t k) {
  const fact_ref *f = fact(rep, i, r, k, true);
  return f && f->withheld;
}

/* ==== residuals ========================================================== */

/* The residual of rule [r] of vendor [i], worked out on first read. */
static const rule_unknown *unknown_of(const pol_report *rep, size_t i,
                                      size_t r) {
  const rule_result *rr = result(rep, i, r);
  if (!rr || rr->v != VD_UNKNOWN)
    return NULL;
  const rule_unknown *u = report_unknown(&rep->r, &rep->r.vendors[i],
                                         (uint32_t)r);
  return u && u->status == POL_OK ? u : NULL;
}

const char *pol_report_residual(const pol_report *rep, size_t i, size_t r) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u ? u->r.passes_if : NULL;
}

const char *pol_report_residual_when(const pol_report *rep, size_t i,
                                     size_t r) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u ? u->r.applies_if : NULL;
}

int pol_report_residual_then(const pol_report *rep, size_t i, size_t r) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u ? u->r.if_applies : -1;
}

size_t pol_report_decisive_count(const pol_report *rep, size_t i, size_t r) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u ? u->r.nfacts : 0;
}

const char *pol_report_decisive_path(const pol_report *rep, size_t i,
                                     size_t r, size_t k) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u && k < u->r.nfacts ? u->r.facts[k].path : NULL;
}

bool pol_report_decisive_withheld(const pol_report *rep, size_t i, size_t r,
                                  size_t k) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u && k < u->r.nfacts && u->facts[k].withheld;
}

const char *pol_report_decisive_evidence(const pol_report *rep, size_t i,
                                         size_t r, size_t k) {
  const rule_unknown *u = unknown_of(rep, i, r);
  return u && k < u->r.nfacts && u->facts[k].evidence
             ? u->facts[k].evidence->data
             : NULL;
}

/* ==== rendering ========================================================== */

int pol_format_find(const char *name) {
  for (int i = 0; name && render_by_number(i); i++)
    if (strcmp(render_by_number(i)->name, name) == 0)
      return i;
  return -1;
}

const char *pol_format_name(int format) {
  const render_ops *ops = render_by_number(format);
  return ops ? ops->name : NULL;
}

static int render_flags(int flags) {
  return (flags & POL_RENDER_COLOR) ? RENDER_COLOR : 0;
}

const char *pol_report_render(pol_report *rep, int format, int flags) {
  const render_ops *ops = render_by_number(format);
  renderer w;
  if (!rep || !ops ||
      !render_init(&w, ops, rep->r.pol, rep->r.unknown, render_flags(flags)))
    return NULL;
  sb_reset(&rep->text);
  render_begin(&w, &rep->text);
  for (uint32_t i = 0; i < rep->r.nvendors; i++)
    render_vendor(&w, &rep->r, i, &rep->tmp, &rep->text);
  render_end(&w, &rep->text);
  render_free(&w);
  sb_putc(&rep->text, '\0');
  return rep->text.oom ? NULL : rep->text.p;
}

/* ==== writers ============================================================ */

/* Hand what is rendered to the host's callback. */
static int flush(pol_writer *w) {
  if (w->buf.oom) {
    api_msg(&w->errmsg, "out of memory while writing the report");
    w->failed = true;
    return POL_ENOMEM;
  }
  if (!w->failed && w->buf.len && w->write(w->user, w->buf.p, w->buf.len)) {
    api_msg(&w->errmsg, "the report could not be written");
    w->failed = true;
  }
  w->buf.len = 0;
  return w->failed ? POL_EIO : POL_OK;
}

void pol_writer_options_init_size(pol_writer_options *o, size_t size) {
  if (!o || size < sizeof(size_t))
    return;
  pol_writer_options d;
  memset(&d, 0, sizeof d);
  d.size = size < sizeof d ? size : sizeof d;
  d.format = POL_FORMAT_TEXT;
  d.unknown_mode = POL_UNKNOWN_FAIL;
  memcpy(o, &d, d.size);
}

/* The settings of [o] (of o->size bytes: a host built against an older
 * header has fewer) into the renderer [r]: POL_OK, POL_EINVAL when one is
 * bad, POL_ENOMEM. */
static int writer_settings(renderer *r, const pol_writer_options *o) {
  pol_writer_options d;
  pol_writer_options_init(&d);
  memcpy(&d, o, o->size < sizeof d ? o->size : sizeof d);
  int64_t sec;
  int l = d.lang ? policy_lang(d.lang) : LANG_EN;
  if (l < 0 || (d.as_of && !tm_parse_date(d.as_of, &sec)) ||
      d.matrix < POL_MATRIX_AUTO || d.matrix > POL_MATRIX_VENDORS)
    return POL_EINVAL;
  r->lang = (lang)l;
  r->width = d.width;
  r->matrix = (matrix_view)d.matrix;
  r->stamp.as_of = d.as_of ? mem_strdup(&r->m, d.as_of) : NULL;
  r->stamp.options = d.options ? mem_strdup(&r->m, d.options) : NULL;
  return (d.as_of && !r->stamp.as_of) || (d.options && !r->stamp.options)
             ? POL_ENOMEM
             : POL_OK;
}

/* The renderer of [o]'s format, or NULL when a setting is bad. */
static const render_ops *writer_ops(const pol_writer_options *o) {
  if (!o || o->size < offsetof(pol_writer_options, lang) ||
      o->unknown_mode < 0 || o->unknown_mode > 2)
    return NULL;
  return render_by_number(o->format);
}

/* render.h's spill: what a long end() has written goes out now. */
static void spill(void *user, sbuf *out) {
  pol_writer *w = user;
  if (out == &w->buf)
    flush(w);
}

int pol_writer_open(const pol_policy *pol, const pol_writer_options *o,
                    pol_write_fn write, void *user, pol_writer **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  const render_ops *ops = writer_ops(o);
  if (!pol || !ops || !write)
    return POL_EINVAL;
  const mem *m = &POLICY(pol)->a.m;
  pol_writer *w = mem_calloc(m, 1, sizeof *w);
  if (!w)
    return POL_ENOMEM;
  w->write = write;
  w->user = user;
  w->m = *m;
  sb_init(&w->buf, m);
  sb_init(&w->tmp, m);
  sb_init(&w->errmsg, m);
  if (!render_init(&w->w, ops, POLICY(pol), (unknown_mode)o->unknown_mode,
                   render_flags(o->flags))) {
    pol_writer_free(w);
    return POL_ENOMEM;
  }
  w->w.spill = spill;
  w->w.spill_user = w;
  int rc = writer_settings(&w->w, o);
  if (rc != POL_OK) {
    pol_writer_free(w);
    return rc;
  }
  render_begin(&w->w, &w->buf);
  *out = w;
  return POL_OK;
}

int pol_writer_new(const pol_policy *pol, int format, int flags, int mode,
                   pol_write_fn write, void *user, pol_writer **out) {
  pol_writer_options o;
  pol_writer_options_init(&o);
  o.format = format;
  o.flags = flags;
  o.unknown_mode = mode;
  return pol_writer_open(pol, &o, write, user, out);
}

/* After pol_writer_finish, a document is closed: adding to it would
 * break it (a JSON report would no longer parse). */
static int finished(pol_writer *w) {
  api_msg(&w->errmsg, "the writer is finished");
  return POL_EINVAL;
}

int pol_writer_input(pol_writer *w, int kind, const char *name) {
  if (!w)
    return POL_EINVAL;
  if (!name || (kind != POL_INPUT_FACTS && kind != POL_INPUT_WAIVERS))
    return api_refused(&w->errmsg, __func__,
                       name ? "kind is not POL_INPUT_FACTS or "
                              "POL_INPUT_WAIVERS"
                            : "no name (NULL)");
  if (w->finished) /* the stamp is written: an input now would be lost */
    return finished(w);
  if (!stamp_input_begin(&w->w.stamp, kind, name)) {
    api_msg(&w->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  return POL_OK;
}

int pol_writer_input_data(pol_writer *w, const void *data, size_t len) {
  if (!w)
    return POL_EINVAL;
  if (!data && len)
    return api_refused(&w->errmsg, __func__, "no data (NULL)");
  if (w->finished)
    return finished(w);
  if (!stamp_input_open(&w->w.stamp)) /* its digest would go nowhere */
    return api_refused(&w->errmsg, __func__,
                       "no input begun (call pol_writer_input first)");
  stamp_input_data(&w->w.stamp, data, len);
  return POL_OK;
}

void pol_writer_free(pol_writer *w) {
  if (!w)
    return;
  render_free(&w->w);
  sb_free(&w->buf);
  sb_free(&w->tmp);
  sb_free(&w->errmsg);
  mem_free(&w->m, w);
}

const char *pol_writer_errmsg(const pol_writer *w) {
  return w ? api_text(&w->errmsg) : "no writer";
}

/* Whether [w] may write [rep]'s vendors: a report of its policy, checked
 * in its unknown mode. The output records the writer's mode ("unknown":
 * "fail") beside each vendor's compliance, which the report worked out in
 * its own: a report of another mode would show a vendor with an UNKNOWN
 * must-rule as compliant under a mode in which it is not. */
static bool writes(const pol_writer *w, const pol_report *rep) {
  return rep->r.pol == w->w.pol && rep->r.unknown == w->w.unknown;
}

static int refuse(pol_writer *w, const pol_report *rep) {
  if (rep->r.pol != w->w.pol)
    api_msg(&w->errmsg, "the report is of another policy than the writer");
  else
    api_msg(&w->errmsg, "the report's unknown mode (%s) is not the "
            "writer's (%s)", unknown_mode_name(rep->r.unknown),
            unknown_mode_name(w->w.unknown));
  return POL_EINVAL;
}

int pol_writer_add(pol_writer *w, const pol_report *rep) {
  if (!w)
    return POL_EINVAL;
  if (!rep)
    return api_refused(&w->errmsg, __func__, "no report (NULL)");
  if (!writes(w, rep))
    return refuse(w, rep);
  if (w->finished)
    return finished(w);
  for (uint32_t i = 0; i < rep->r.nvendors; i++)
    render_vendor(&w->w, &rep->r, i, &w->tmp, &w->buf);
  return flush(w);
}

int pol_report_chunk(pol_report *rep, const pol_writer *w, const char **text,
                     size_t *len) {
  if (!rep || !w || !text || !len || !writes(w, rep))
    return POL_EINVAL;
  *text = NULL;
  *len = 0;
  if (!mem_grow(&rep->r.a.m, (void **)&rep->chunk_end, &rep->cap_chunk,
                (size_t)rep->r.nvendors + 1, sizeof *rep->chunk_end))
    return POL_ENOMEM;
  sb_reset(&rep->text);
  for (uint32_t i = 0; i < rep->r.nvendors; i++) {
    render_chunk(&w->w, &rep->r, i, &rep->text);
    rep->chunk_end[i] = rep->text.len;
  }
  if (rep->text.oom)
    return POL_ENOMEM;
  rep->chunk_for = w;
  *text = rep->text.p;
  *len = rep->text.len;
  return POL_OK;
}

int pol_writer_add_chunk(pol_writer *w, const pol_report *rep,
                         const char *text, size_t len) {
  if (!w)
    return POL_EINVAL;
  if (!rep)
    return api_refused(&w->errmsg, __func__, "no report (NULL)");
  if (!writes(w, rep))
    return refuse(w, rep);
  if (rep->chunk_for != w || text != rep->text.p ||
      (rep->r.nvendors && len != rep->chunk_end[rep->r.nvendors - 1]))
    return api_refused(&w->errmsg, __func__,
                       "the text is not what pol_report_chunk gave for "
                       "this report and writer");
  if (w->finished)
    return finished(w);
  size_t at = 0;
  for (uint32_t i = 0; i < rep->r.nvendors; i++) {
    render_place(&w->w, &rep->r, i, text + at, rep->chunk_end[i] - at,
                 &w->buf);
    at = rep->chunk_end[i];
  }
  return flush(w);
}

int pol_writer_error(pol_writer *w, const char *src, const char *msg) {
  if (!w)
    return POL_EINVAL;
  if (!src || !msg)
    return api_refused(&w->errmsg, __func__,
                       src ? "no message (NULL)" : "no source (NULL)");
  if (w->finished)
    return finished(w);
  render_error(&w->w, src, msg, &w->buf);
  return flush(w);
}

int pol_writer_finish(pol_writer *w) {
  if (!w)
    return POL_EINVAL;
  if (w->finished)
    return finished(w);
  w->finished = true;
  stamp_close(&w->w.stamp);
  render_end(&w->w, &w->buf);
  return flush(w);
}

/* ==== validating ========================================================= */

/* pol_validate_record; [fn] is the function called, for a refusal. */
static int validate(pol_env *env, const pol_policy *schema, const char *text,
                    size_t len, const char *name, unsigned line,
                    size_t *count, const char **problems, const char *fn) {
  if (!env)
    return POL_EINVAL;
  if (!schema || !text || !count || !problems || line == 0)
    return api_refused(&env->errmsg, fn,
                       !schema ? "no schema (NULL)"
                       : !text ? "no text (NULL)"
                       : line == 0 ? "line 0 (lines count from 1)"
                                   : "no out pointer (NULL)");
  name = name ? name : "<json>";
  *count = 0; /* on an error too: never the previous text's count */
  *problems = "";
  if (POLICY(schema)->nfacts == POLICY(schema)->nquiet) {
    api_msg(&env->errmsg, "the schema declares no facts");
    return POL_EINVAL;
  }
  arena a;
  arena_init(&a, 0, &env->m);
  val v;
  json_error e;
  int rc = POL_OK;
  sb_reset(&env->problems);
  if (!json_parse(&a, text, len, &v, &e)) {
    api_msg(&env->errmsg, "%s:%u:%u: %s", name, e.line + line - 1, e.col,
            e.msg);
    rc = e.oom ? POL_ENOMEM : POL_EFORMAT;
  } else {
    *count = validate_facts(POLICY(schema), text, len, name, line, v,
                            &env->problems);
  }
  arena_free(&a);
  sb_putc(&env->problems, '\0');
  *problems = env->problems.oom ? "out of memory" : env->problems.p;
  return env->problems.oom ? POL_ENOMEM : rc;
}

int pol_validate(pol_env *env, const pol_policy *schema, const char *text,
                 size_t len, const char *name, size_t *count,
                 const char **problems) {
  return validate(env, schema, text, len, name, 1, count, problems,
                  __func__);
}

int pol_validate_record(pol_env *env, const pol_policy *schema,
                        const char *text, size_t len, const char *name,
                        unsigned line, size_t *count,
                        const char **problems) {
  return validate(env, schema, text, len, name, line, count, problems,
                  __func__);
}
