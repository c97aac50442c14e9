/*
 * api.c: include/pol.h implemented on top of the internal stages. It
 * checks arguments, keeps each handle's last message, and converts
 * between the opaque public types and the internal ones: a pol_program
 * is a program, a pol_value is a val.
 */
#include "pol.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "config.h" /* generated: POL_MODULE_DIR */
#include "file.h"
#include "handles.h"
#include "host.h"
#include "json.h"
#include "parse.h"
#include "report.h"
#include "validate.h"
#include "vm.h"

void api_msg(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, 1024, fmt, ap);
  va_end(ap);
}

const char *pol_strerror(int rc) {
  static const char *const text[] = {
      "ok", "syntax error", "evaluation error", "limit reached",
      "out of memory", "input/output error", "malformed input",
      "invalid argument"};
  if (rc < 0 || rc >= (int)POL_COUNTOF(text))
    return "unknown status";
  return text[rc];
}

int pol_version_number(void) { return POL_VERSION_NUMBER; }

/* ==== env ================================================================ */

void pol_config_init(pol_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->max_steps = 10000000;
  cfg->max_memory = (size_t)256 << 20;
}

int pol_env_new(const pol_config *cfg, pol_env **out) {
  pol_env *env = calloc(1, sizeof *env);
  *out = env;
  if (!env)
    return POL_ENOMEM;
  if (cfg)
    env->cfg = *cfg;
  else
    pol_config_init(&env->cfg);
  sb_init(&env->text);
  if (!(env->hosts = host_new())) {
    free(env);
    *out = NULL;
    return POL_ENOMEM;
  }
  return POL_OK;
}

void pol_env_free(pol_env *env) {
  if (!env)
    return;
  diag_set_free(&env->diags);
  for (size_t i = 0; i < env->ndirs; i++)
    free(env->dirs[i]);
  free(env->dirs);
  sb_free(&env->text);
  host_free(env->hosts);
  free(env);
}

int pol_env_add_import_dir(pol_env *env, const char *dir) {
  if (!env || !dir)
    return POL_EINVAL;
  char **d = realloc(env->dirs, (env->ndirs + 1) * sizeof *d);
  if (!d)
    return POL_ENOMEM;
  env->dirs = d;
  if (!(d[env->ndirs] = strdup(dir)))
    return POL_ENOMEM;
  env->ndirs++;
  return POL_OK;
}

const char *pol_env_errmsg(const pol_env *env) {
  return env ? env->errmsg : "no environment";
}

size_t pol_diag_count(const pol_env *env) {
  return env ? diag_set_count(&env->diags) : 0;
}

int pol_diag_get(const pol_env *env, size_t i, pol_diag *out) {
  if (!env || !out)
    return POL_EINVAL;
  for (size_t k = 0; k < env->diags.n; k++) {
    const diag_list *l = env->diags.lists[k];
    if (i >= l->n) {
      i -= l->n;
      continue;
    }
    const diag *d = &l->items[i];
    *out = (pol_diag){l->file, d->sp.line, d->sp.col, d->sp.len, d->msg};
    return POL_OK;
  }
  return POL_EINVAL;
}

const char *pol_diag_render(pol_env *env, int flags) {
  env->text.len = 0;
  for (size_t k = 0; k < env->diags.n; k++)
    for (size_t i = 0; i < env->diags.lists[k]->n; i++)
      diag_render(env->diags.lists[k], i, flags & POL_RENDER_EXCERPT,
                  &env->text);
  sb_putc(&env->text, '\0');
  env->text.len--;
  return env->text.oom ? "out of memory" : env->text.p;
}

/* ==== compile ============================================================ */

static program *compile_src(pol_env *env, const char *src, size_t len,
                            const char *name, const pol_facts *decls) {
  diag_set_free(&env->diags);
  diag_list *d = diag_set_add(&env->diags, name ? name : "<expr>", src, len);
  if (!d)
    return NULL;
  arena ast_arena;
  arena_init(&ast_arena, 0);
  program *p = NULL;
  ast *root = parse_expr(&ast_arena, d);
  compile_opts o = {decls ? decls->names : NULL, decls ? decls->n : 0,
                    NULL, 0, false, env->hosts};
  compiler *cg = root ? cg_new(&o) : NULL;
  if (cg) {
    cg_entry(cg, root, d);
    p = cg_finish(cg);
  }
  arena_free(&ast_arena);
  return p;
}

/* After a failed compile: POL_ESYNTAX with the diagnostics as the
 * message, or POL_ENOMEM when there are none. */
static int compile_failed(pol_env *env) {
  if (pol_diag_count(env) == 0) {
    api_msg(env->errmsg, "out of memory while compiling");
    return POL_ENOMEM;
  }
  const char *text = pol_diag_render(env, 0);
  size_t n = strlen(text); /* the message itself ends without a newline */
  api_msg(env->errmsg, "%.*s", (int)(n && text[n - 1] == '\n' ? n - 1 : n),
          text);
  return POL_ESYNTAX;
}

int pol_compile_expr(pol_env *env, const char *src, size_t len,
                     const char *name, const pol_facts *decls,
                     pol_program **out) {
  if (!env || !src || !out)
    return POL_EINVAL;
  program *p = compile_src(env, src, len, name, decls);
  *out = (pol_program *)p;
  return p ? POL_OK : compile_failed(env);
}

void pol_program_free(pol_program *prog) { program_free((program *)prog); }

const char *pol_program_disasm(pol_env *env, const pol_program *prog) {
  env->text.len = 0;
  program_disasm(PROG(prog), &env->text);
  sb_putc(&env->text, '\0');
  return env->text.oom ? "out of memory" : env->text.p;
}

/* ==== facts ============================================================== */

int pol_facts_new(pol_env *env, pol_facts **out) {
  pol_facts *f = calloc(1, sizeof *f);
  *out = f;
  if (!f)
    return POL_ENOMEM;
  f->env = env;
  arena_init(&f->a, 0);
  return POL_OK;
}

void pol_facts_free(pol_facts *f) {
  if (!f)
    return;
  arena_free(&f->a);
  free(f->keys);
  free(f->vals);
  free(f->names);
  free(f);
}

const char *pol_facts_errmsg(const pol_facts *f) {
  return f ? f->errmsg : "no facts";
}

/* Rebuild the variable map after a binding: a name bound twice keeps
 * its last value. */
static int rebuild(pol_facts *f) {
  val *k = malloc((f->n + 1) * sizeof *k), *v = malloc((f->n + 1) * sizeof *v);
  size_t m = 0;
  for (size_t i = 0; k && v && i < f->n; i++) {
    size_t j = 0;
    while (j < m && !val_equal(k[j], f->keys[i]))
      j++;
    k[j] = f->keys[i];
    v[j] = f->vals[i];
    m += j == m;
  }
  val r = k && v ? val_map(&f->a, k, v, m) : val_nomem();
  free(k);
  free(v);
  if (r.kind != V_MAP) {
    api_msg(f->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  f->vars = r.as.m;
  return POL_OK;
}

static int bind(pol_facts *f, const char *name, size_t len, val v) {
  /* three parallel arrays, each with its own capacity */
  if (!mem_grow((void **)&f->keys, &f->cap_keys, f->n + 1, sizeof *f->keys) ||
      !mem_grow((void **)&f->vals, &f->cap_vals, f->n + 1, sizeof *f->vals) ||
      !mem_grow((void **)&f->names, &f->cap_names, f->n + 1,
                sizeof *f->names))
    return POL_ENOMEM;
  val key = val_string(&f->a, name, len);
  if (key.kind == V_ERROR)
    return POL_ENOMEM;
  f->keys[f->n] = key;
  f->vals[f->n] = v;
  f->names[f->n] = key.as.s->data;
  f->n++;
  return POL_OK;
}

static int json_fail(pol_facts *f, const char *name, const json_error *e) {
  api_msg(f->errmsg, "%s:%u:%u: %s", name ? name : "<json>", e->line,
          e->col, e->msg);
  return POL_EFORMAT;
}

/* Bind each key of the fact-set object [v]. */
static int bind_object(pol_facts *f, val v, const char *name) {
  if (v.kind != V_MAP) {
    api_msg(f->errmsg, "%s:1:1: a fact set must be a JSON object, not %s",
            name ? name : "<json>", val_kind_name(v.kind));
    return POL_EFORMAT;
  }
  for (uint32_t i = 0; i < v.as.m->n; i++) {
    const str *k = v.as.m->keys[i].as.s;
    if (bind(f, k->data, k->len, v.as.m->vals[i]) != POL_OK)
      return POL_ENOMEM;
  }
  return rebuild(f);
}

int pol_facts_load_json(pol_facts *f, const char *text, size_t len,
                        const char *name) {
  if (!f || !text)
    return POL_EINVAL;
  val v;
  json_error e;
  if (!json_parse(&f->a, text, len, &v, &e))
    return json_fail(f, name, &e);
  return bind_object(f, v, name);
}

int pol_facts_load_json_next(pol_facts *f, const char *text, size_t len,
                             size_t *pos, const char *name) {
  if (!f || !text || !pos)
    return POL_EINVAL;
  val v;
  json_error e;
  if (!json_parse_next(&f->a, text, len, pos, &v, &e))
    return json_fail(f, name, &e);
  return bind_object(f, v, name);
}

int pol_facts_bind_json(pol_facts *f, const char *var, const char *text,
                        size_t len, const char *name) {
  if (!f || !var || !*var || !text)
    return POL_EINVAL;
  val v;
  json_error e;
  if (!json_parse(&f->a, text, len, &v, &e))
    return json_fail(f, name, &e);
  if (bind(f, var, strlen(var), v) != POL_OK)
    return POL_ENOMEM;
  return rebuild(f);
}

int pol_facts_bind_value(pol_facts *f, const char *name, const pol_value *v) {
  if (!f || !name || !*name || !v)
    return POL_EINVAL;
  /* a value from another builder may die first: keep a copy */
  val x = val_deepcopy(&f->a, *VAL(v));
  if (x.kind == V_ERROR || bind(f, name, strlen(name), x) != POL_OK) {
    api_msg(f->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  return rebuild(f);
}

int pol_facts_bind_literal(pol_facts *f, const char *var, const char *text,
                           size_t len) {
  if (!f || !var || !*var || !text)
    return POL_EINVAL;
  pol_program *p;
  int rc = pol_compile_expr(f->env, text, len, var, NULL, &p);
  if (rc != POL_OK) {
    api_msg(f->errmsg, "--bind %s: %s", var, pol_env_errmsg(f->env));
    return POL_EFORMAT;
  }
  vm v;
  vm_init(&v, f->env->cfg.max_steps, f->env->cfg.max_memory);
  val r = vm_run(&v, PROG(p), 0, NULL);
  if (r.kind == V_ERROR) {
    api_msg(f->errmsg, "--bind %s: %s", var, r.as.e->msg);
    rc = POL_EFORMAT;
  } else {
    r = val_deepcopy(&f->a, r);
    rc = r.kind == V_ERROR ? POL_ENOMEM : bind(f, var, strlen(var), r);
  }
  vm_free(&v);
  pol_program_free(p);
  return rc == POL_OK ? rebuild(f) : rc;
}

/* ==== evaluation ========================================================= */

int pol_ctx_new(pol_env *env, pol_ctx **out) {
  pol_ctx *c = calloc(1, sizeof *c);
  *out = c;
  if (!c || !env)
    return c ? POL_EINVAL : POL_ENOMEM;
  c->env = env;
  vm_init(&c->vm, env->cfg.max_steps, env->cfg.max_memory);
  sb_init(&c->text);
  return POL_OK;
}

void pol_ctx_free(pol_ctx *c) {
  if (!c)
    return;
  vm_free(&c->vm);
  sb_free(&c->text);
  free(c);
}

const char *pol_ctx_errmsg(const pol_ctx *c) {
  return c ? c->errmsg : "no context";
}

static int runtime_error(pol_ctx *c, const program *p, const err *e) {
  if (e->loc >= 0 && (uint32_t)e->loc < p->ncode) {
    const loc *l = &p->locs[e->loc];
    api_msg(c->errmsg, "%s:%u:%u: %s", p->srcs[l->src].name, l->line,
            l->col, e->msg);
  } else {
    api_msg(c->errmsg, "%s: %s", p->nsrcs ? p->srcs[0].name : "<expr>",
            e->msg);
  }
  if (e->kind == ERR_LIMIT)
    return POL_ELIMIT;
  return e->kind == ERR_NOMEM ? POL_ENOMEM : POL_ERUNTIME;
}

int pol_eval(pol_ctx *c, const pol_program *prog, const pol_facts *facts,
             const pol_value **out) {
  if (!c || !prog || !out)
    return POL_EINVAL;
  const program *p = PROG(prog);
  c->result = vm_run(&c->vm, p, 0, facts ? facts->vars : NULL);
  *out = (const pol_value *)&c->result;
  if (c->result.kind == V_ERROR)
    return runtime_error(c, p, c->result.as.e);
  c->errmsg[0] = '\0';
  return POL_OK;
}

/* ==== values ============================================================= */

pol_type pol_value_type(const pol_value *v) {
  return (pol_type)VAL(v)->kind;
}

bool pol_value_bool(const pol_value *v) {
  return VAL(v)->kind == V_BOOL && VAL(v)->as.b;
}

int64_t pol_value_int(const pol_value *v) {
  return VAL(v)->kind == V_INT ? VAL(v)->as.i : 0;
}

uint64_t pol_value_uint(const pol_value *v) {
  return VAL(v)->kind == V_UINT ? VAL(v)->as.u : 0;
}

double pol_value_double(const pol_value *v) {
  return VAL(v)->kind == V_DOUBLE ? VAL(v)->as.d : 0;
}

const char *pol_value_str(const pol_value *v, size_t *len) {
  const val *x = VAL(v);
  if (x->kind != V_STRING && x->kind != V_BYTES)
    return NULL;
  if (len)
    *len = x->as.s->len;
  return x->as.s->data;
}

size_t pol_value_len(const pol_value *v) {
  const val *x = VAL(v);
  if (x->kind == V_LIST)
    return x->as.l->n;
  return x->kind == V_MAP ? x->as.m->n : 0;
}

const pol_value *pol_value_at(const pol_value *v, size_t i) {
  const val *x = VAL(v);
  if (x->kind != V_LIST || i >= x->as.l->n)
    return NULL;
  return (const pol_value *)&x->as.l->items[i];
}

const char *pol_value_key(const pol_value *v, size_t i, size_t *len) {
  const val *x = VAL(v);
  if (x->kind != V_MAP || i >= x->as.m->n ||
      x->as.m->keys[i].kind != V_STRING)
    return NULL;
  if (len)
    *len = x->as.m->keys[i].as.s->len;
  return x->as.m->keys[i].as.s->data;
}

const pol_value *pol_value_entry(const pol_value *v, size_t i) {
  const val *x = VAL(v);
  if (x->kind != V_MAP || i >= x->as.m->n)
    return NULL;
  return (const pol_value *)&x->as.m->vals[i];
}

const pol_value *pol_value_get(const pol_value *v, const char *key) {
  const val *x = VAL(v);
  if (x->kind != V_MAP || !key)
    return NULL;
  size_t n = strlen(key);
  return (const pol_value *)map_get_str(x->as.m, key, n,
                                        val_hash_bytes(key, n));
}

const char *pol_value_format(pol_ctx *c, const pol_value *v) {
  c->text.len = 0;
  val_print(&c->text, *VAL(v));
  sb_putc(&c->text, '\0');
  return c->text.oom ? "out of memory" : c->text.p;
}

/* The public type codes are the internal kinds, in the same order. */
_Static_assert((int)POL_T_ERROR == (int)V_ERROR &&
                   (int)POL_T_TIMESTAMP == (int)V_TIMESTAMP,
               "pol_type must mirror val_kind");

/* ==== policies and reports =============================================== */


int pol_policy_compile(pol_env *env, const char *src, size_t len,
                       const char *name, pol_policy **out) {
  if (!env || !src || !out)
    return POL_EINVAL;
  diag_set_free(&env->diags);
  /* the install's module directory comes after the host's own */
  const char **dirs = calloc(env->ndirs + 2, sizeof *dirs);
  if (!dirs)
    return POL_ENOMEM;
  if (env->ndirs) /* memcpy from NULL is undefined, even for 0 bytes */
    memcpy(dirs, env->dirs, env->ndirs * sizeof *dirs);
  size_t ndirs = env->ndirs;
  dirs[ndirs++] = POL_MODULE_DIR;
  policy_paths paths = {dirs, ndirs, env->hosts};
  policy *p = policy_compile(src, len, name ? name : "<policy>", &paths,
                             &env->diags);
  free(dirs);
  *out = (pol_policy *)p;
  return p ? POL_OK : compile_failed(env);
}

/* file_read with a "path: reason" message in [msg] on failure. */
static bool read_all(const char *path, char **out, size_t *len, char *msg) {
  int rc = file_read(path, out, len);
  if (rc)
    api_msg(msg, "%s: %s", path, strerror(rc));
  return rc == 0;
}

int pol_policy_compile_file(pol_env *env, const char *path, pol_policy **out) {
  char *text;
  size_t len;
  if (!env || !path || !out)
    return POL_EINVAL;
  *out = NULL;
  if (!read_all(path, &text, &len, env->errmsg))
    return POL_EIO;
  int rc = pol_policy_compile(env, text, len, path, out);
  free(text);
  return rc;
}

int pol_facts_load_file(pol_facts *f, const char *path) {
  char *text;
  size_t len;
  if (!f || !path)
    return POL_EINVAL;
  if (!read_all(path, &text, &len, f->errmsg))
    return POL_EIO;
  int rc = pol_facts_load_json(f, text, len, path);
  free(text);
  return rc;
}

void pol_policy_free(pol_policy *pol) { policy_free((policy *)pol); }

size_t pol_policy_rule_count(const pol_policy *pol) {
  return pol ? POLICY(pol)->nrules : 0;
}

const char *pol_policy_rule_id(const pol_policy *pol, size_t i) {
  return i < pol_policy_rule_count(pol) ? POLICY(pol)->rules[i].id : NULL;
}

const char *pol_policy_rule_title(const pol_policy *pol, size_t i) {
  return i < pol_policy_rule_count(pol) ? POLICY(pol)->rules[i].title : NULL;
}

const char *pol_policy_rule_severity(const pol_policy *pol, size_t i) {
  if (i >= pol_policy_rule_count(pol))
    return NULL;
  return severity_name(POLICY(pol)->rules[i].sev);
}

int pol_report_new(const pol_policy *pol, int mode, pol_report **out) {
  if (!pol || !out || mode < 0 || mode > 2)
    return POL_EINVAL;
  pol_report *r = calloc(1, sizeof *r);
  *out = r;
  if (!r)
    return POL_ENOMEM;
  report_init(&r->r, POLICY(pol), (unknown_mode)mode);
  sb_init(&r->text);
  return POL_OK;
}

void pol_report_free(pol_report *rep) {
  if (!rep)
    return;
  report_free(&rep->r);
  sb_free(&rep->text);
  free(rep);
}

int pol_check(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
              const char *name) {
  if (!ctx || !rep || !facts)
    return POL_EINVAL;
  if (report_check(&rep->r, &ctx->vm, facts->vars, name ? name : "-"))
    return POL_OK;
  api_msg(ctx->errmsg, "out of memory while checking %s", name ? name : "-");
  return POL_ENOMEM;
}

size_t pol_report_vendor_count(const pol_report *rep) {
  return rep ? rep->r.nvendors : 0;
}

bool pol_report_compliant(const pol_report *rep, size_t i) {
  return i < pol_report_vendor_count(rep) && rep->r.vendors[i].compliant;
}

const char *pol_report_verdict(const pol_report *rep, size_t i, size_t r) {
  if (i >= pol_report_vendor_count(rep) || r >= rep->r.pol->nrules)
    return NULL;
  return verdict_name(rep->r.vendors[i].rules[r].v);
}

const char *pol_report_render(pol_report *rep, int format, int flags) {
  static const int formats[] = {REPORT_TEXT, REPORT_JSON, REPORT_QUESTIONS};
  if (!rep || format < 0 || format > 2)
    return "";
  rep->text.len = 0;
  report_render(&rep->r, formats[format],
                (flags & POL_RENDER_COLOR) ? REPORT_COLOR : 0, &rep->text);
  sb_putc(&rep->text, '\0');
  return rep->text.oom ? "out of memory" : rep->text.p;
}

int pol_validate(pol_env *env, const pol_policy *schema, const char *text,
                 size_t len, const char *name, size_t *count,
                 const char **problems) {
  if (!env || !schema || !text || !count || !problems)
    return POL_EINVAL;
  name = name ? name : "<json>";
  if (POLICY(schema)->nfacts == 0) {
    api_msg(env->errmsg, "the schema declares no facts");
    return POL_EINVAL;
  }
  arena a;
  arena_init(&a, 0);
  val v;
  json_error e;
  int rc = POL_OK;
  env->text.len = 0;
  if (!json_parse(&a, text, len, &v, &e)) {
    api_msg(env->errmsg, "%s:%u:%u: %s", name, e.line, e.col, e.msg);
    rc = POL_EFORMAT;
  } else {
    *count = validate_facts(POLICY(schema), text, len, name, v, &env->text);
  }
  arena_free(&a);
  sb_putc(&env->text, '\0');
  *problems = env->text.oom ? "out of memory" : env->text.p;
  return env->text.oom ? POL_ENOMEM : rc;
}

/* ==== reading reports ==================================================== */

void pol_report_reset(pol_report *rep) {
  if (rep)
    report_reset(&rep->r);
}

/* Rule [r] of vendor [i], or NULL if out of range. */
static const rule_result *result(const pol_report *rep, size_t i, size_t r) {
  if (!rep || i >= rep->r.nvendors || r >= rep->r.pol->nrules)
    return NULL;
  return &rep->r.vendors[i].rules[r];
}

const char *pol_report_vendor_name(const pol_report *rep, size_t i) {
  return rep && i < rep->r.nvendors ? rep->r.vendors[i].name : NULL;
}

const char *pol_report_message(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->message : NULL;
}

const char *pol_report_reason(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->reason : NULL;
}

size_t pol_report_fact_count(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->nused : 0;
}

static const fact_use *used(const pol_report *rep, size_t i, size_t r,
                            size_t k) {
  const rule_result *rr = result(rep, i, r);
  return rr && k < rr->nused ? &rr->used[k] : NULL;
}

const char *pol_report_fact_path(const pol_report *rep, size_t i, size_t r,
                                 size_t k) {
  const fact_use *u = used(rep, i, r, k);
  return u ? u->path : NULL;
}

const pol_value *pol_report_fact_value(const pol_report *rep, size_t i,
                                       size_t r, size_t k) {
  const fact_use *u = used(rep, i, r, k);
  return u ? (const pol_value *)&u->value : NULL;
}

const char *pol_report_fact_evidence(const pol_report *rep, size_t i,
                                     size_t r, size_t k) {
  const fact_use *u = used(rep, i, r, k);
  return u ? u->evidence : NULL;
}

size_t pol_report_missing_count(const pol_report *rep, size_t i, size_t r) {
  const rule_result *rr = result(rep, i, r);
  return rr ? rr->nmissing : 0;
}

const char *pol_report_missing_path(const pol_report *rep, size_t i,
                                    size_t r, size_t k) {
  const rule_result *rr = result(rep, i, r);
  return rr && k < rr->nmissing ? rr->missing[k].path : NULL;
}

bool pol_report_missing_withheld(const pol_report *rep, size_t i, size_t r,
                                 size_t k) {
  const rule_result *rr = result(rep, i, r);
  return rr && k < rr->nmissing && rr->missing[k].withheld;
}
