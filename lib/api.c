/*
 * api.c: include/pol.h implemented on top of the internal stages: the
 * environment, diagnostics, compiling expressions and evaluating them.
 * Fact sets are in api_facts.c, policies and reports in api_report.c,
 * values in api_values.c. Each entry point checks its arguments, keeps
 * its handle's last message, and converts between the opaque public
 * types and the internal ones: a pol_program is a program, a pol_value
 * is a val.
 */
#include "pol.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "handles.h"
#include "host.h"
#include "out.h"
#include "parse.h"
#include "suggest.h"
#include "time.h"

void api_msg(sbuf *b, const char *fmt, ...) {
  va_list ap;
  b->len = 0;
  b->oom = false;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

int api_refused(sbuf *msg, const char *fn, const char *why) {
  api_msg(msg, "%s: %s", fn, why);
  return POL_EINVAL;
}

/* A host function called [fn] on the ctx that is running it: the
 * evaluation under way owns the ctx's VM stack and arena, which a
 * nested run would grow, move and reset under it. */
int api_busy(pol_ctx *c, const char *fn) {
  return api_refused(&c->errmsg, fn, "the ctx is running an evaluation "
                     "(a host function called back into it): use "
                     "another ctx");
}

const char *api_text(const sbuf *b) {
  if (b->oom)
    return "out of memory";
  return b->p ? b->p : "";
}

const char *pol_strerror(int rc) {
  static const char *const text[] = {
      "ok", "syntax error", "evaluation error", "limit reached",
      "out of memory", "input/output error", "malformed input",
      "invalid argument", "interrupted"};
  if (rc < 0 || rc >= (int)POL_COUNTOF(text))
    return "unknown status";
  return text[rc];
}

int pol_version_number(void) { return POL_VERSION_NUMBER; }
const char *pol_version_string(void) { return POL_VERSION_STRING; }

/* ==== env ================================================================ */

void pol_config_init_size(pol_config *cfg, size_t size) {
  if (!cfg || size < sizeof(size_t)) /* as pol_writer_options_init_size:
                                        not even room for the size */
    return;
  pol_config d;
  memset(&d, 0, sizeof d);
  d.size = size < sizeof d ? size : sizeof d;
  d.max_steps = 10000000;
  d.max_memory = (size_t)256 << 20;
  memcpy(cfg, &d, d.size); /* an older caller's struct is shorter */
}

#define KNOWN_FLAGS (POL_STRICT_CALLS | POL_NO_FILE_IMPORTS | POL_KEEP_SOURCE | \
                     POL_NO_JIT)

/* [cfg] as this library's struct: the members an older caller's struct
 * lacks keep their defaults. false when its size member is not set, or
 * it has a flag this library does not know. */
static bool take_config(pol_config *to, const pol_config *cfg) {
  pol_config_init(to);
  if (!cfg)
    return true;
  if (cfg->size < offsetof(pol_config, alloc) || cfg->size > (1u << 16))
    return false;
  memcpy(to, cfg, cfg->size < sizeof *to ? cfg->size : sizeof *to);
  to->size = sizeof *to;
  /* a flag from a newer header may be a restriction (as
   * POL_NO_FILE_IMPORTS is): refuse it rather than run without it */
  return (to->flags & ~(unsigned)KNOWN_FLAGS) == 0;
}

int pol_env_new(const pol_config *cfg, pol_env **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  pol_config c;
  if (!take_config(&c, cfg))
    return POL_EINVAL;
  mem m = mem_of(c.alloc, c.alloc_user); /* the env itself comes from it */
  pol_env *env = mem_calloc(&m, 1, sizeof *env);
  if (!env)
    return POL_ENOMEM;
  env->cfg = c;
  env->m = m;
  env->diags.m = m;
  sb_init(&env->render, &m);
  sb_init(&env->disasm, &m);
  sb_init(&env->policy_disasm, &m);
  sb_init(&env->problems, &m);
  sb_init(&env->formatted, &m);
  sb_init(&env->errmsg, &m);
  if (!(env->hosts = host_new(&m))) {
    pol_env_free(env);
    return POL_ENOMEM;
  }
  *out = env;
  return POL_OK;
}

void pol_env_free(pol_env *env) {
  if (!env)
    return;
  mem m = env->m;
  diag_set_free(&env->diags);
  for (size_t i = 0; i < env->ndirs; i++)
    mem_free(&m, env->dirs[i]);
  mem_free(&m, env->dirs);
  sb_free(&env->render);
  sb_free(&env->disasm);
  sb_free(&env->policy_disasm);
  sb_free(&env->problems);
  sb_free(&env->formatted);
  sb_free(&env->errmsg);
  host_free(env->hosts);
  mem_free(&m, env);
}

void pol_free(const pol_env *env, void *p) {
  mem_free(env ? &env->m : NULL, p);
}

int pol_env_add_import_dir(pol_env *env, const char *dir) {
  if (!env)
    return POL_EINVAL;
  if (!dir)
    return api_refused(&env->errmsg, __func__, "no directory (NULL)");
  if (!*dir) { /* "" + "/m.pol" would search the root directory */
    api_msg(&env->errmsg, "an empty import directory (\".\" is the "
            "working directory)");
    return POL_EINVAL;
  }
  if (env->cfg.flags & POL_NO_FILE_IMPORTS) {
    api_msg(&env->errmsg, "%s: file imports are disabled in this "
            "environment (POL_NO_FILE_IMPORTS)", dir);
    return POL_EINVAL;
  }
  char **d = mem_realloc(&env->m, env->dirs, (env->ndirs + 1) * sizeof *d);
  if (d)
    env->dirs = d;
  if (!d || !(d[env->ndirs] = mem_strdup(&env->m, dir))) {
    api_msg(&env->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  env->ndirs++;
  return POL_OK;
}

const char *pol_env_errmsg(const pol_env *env) {
  return env ? api_text(&env->errmsg) : "no environment";
}

/* ==== diagnostics ======================================================== */

size_t pol_diag_count(const pol_env *env) {
  return env ? diag_set_count(&env->diags) : 0;
}

/* The members of [d] from [l], as pol_diag has them. */
static pol_diag diag_of(const diag_list *l, const diag *d) {
  pol_diag r = POL_DIAG_INIT;
  size_t end = d->sp.off + d->sp.len;
  r.file = l->file;
  r.line = d->sp.line;
  r.col = d->sp.col;
  r.message = d->msg;
  r.code = diag_code_text(d->code);
  r.hint = d->hint;
  r.offset = d->sp.off;
  r.bytes = d->sp.len;
  r.len = end <= l->srclen && d->sp.len
              ? (unsigned)utf8_count(l->src + d->sp.off, d->sp.len)
              : 1;
  return r;
}

int pol_diag_get(const pol_env *env, size_t i, pol_diag *out) {
  if (!env || !out || out->size < offsetof(pol_diag, offset))
    return POL_EINVAL;
  for (size_t k = 0; k < env->diags.n; k++) {
    const diag_list *l = env->diags.lists[k];
    if (i >= l->n) {
      i -= l->n;
      continue;
    }
    pol_diag d = diag_of(l, &l->items[i]);
    size_t n = out->size < sizeof d ? out->size : sizeof d;
    d.size = out->size;
    memcpy(out, &d, n);
    return POL_OK;
  }
  return POL_EINVAL;
}

/* Every diagnostic of [env] appended to [out], as pol_diag_render's
 * [flags] say. */
static void render_diags(const pol_env *env, int flags, sbuf *out) {
  for (size_t k = 0; k < env->diags.n; k++)
    for (size_t i = 0; i < env->diags.lists[k]->n; i++)
      diag_render(env->diags.lists[k], i,
                  (flags & POL_RENDER_EXCERPT ? DIAG_EXCERPT : 0) |
                      (flags & POL_RENDER_COLOR ? DIAG_COLOR : 0),
                  out);
}

const char *pol_diag_render(pol_env *env, int flags) {
  if (!env)
    return "";
  sb_reset(&env->render);
  render_diags(env, flags, &env->render);
  sb_putc(&env->render, '\0');
  if (env->render.oom)
    return "out of memory";
  env->render.len--;
  return env->render.p;
}

const char *pol_suggest(const char *written, const char *const *candidates,
                        size_t n) {
  if (!written || (!candidates && n))
    return NULL;
  suggest s;
  suggest_init(&s, written);
  for (size_t i = 0; i < n; i++)
    suggest_offer(&s, candidates[i]);
  return suggest_best(&s);
}

/* ==== compile ============================================================ */

/* The variable names [f] declares, for the compiler; from [m]. */
static const char **decl_names(const mem *m, const pol_facts *f, size_t *n) {
  *n = f && f->vars ? f->vars->n : 0;
  const char **names = mem_calloc(m, *n + 1, sizeof *names);
  for (size_t i = 0; names && i < *n; i++)
    names[i] = f->vars->keys[i].as.s->data;
  return names;
}

program *api_compile(const pol_env *env, diag_list *d,
                      const pol_facts *decls) {
  size_t nvars;
  const char **vars = decl_names(&env->m, decls, &nvars);
  if (!vars) {
    d->oom = true;
    return NULL;
  }
  arena ast_arena;
  arena_init(&ast_arena, 0, &env->m);
  program *p = NULL;
  ast *root = parse_expr(&ast_arena, d);
  compile_opts o = {vars, nvars, NULL, 0, env->hosts,
                    (env->cfg.flags & POL_STRICT_CALLS) != 0};
  compiler *cg = root ? cg_new(&o, &env->m) : NULL;
  if (cg && (env->cfg.flags & POL_NO_JIT))
    cg_no_jit(cg);
  if (cg) {
    cg_entry(cg, root, d);
    p = cg_finish(cg);
  } else if (root) {
    d->oom = true;
  }
  arena_free(&ast_arena);
  mem_free(&env->m, vars);
  return p;
}

static program *compile_src(pol_env *env, const char *src, size_t len,
                            const char *name, const pol_facts *decls) {
  diag_set_free(&env->diags);
  diag_list *d = diag_set_add(&env->diags, name ? name : "<expr>", src, len);
  return d ? api_compile(env, d, decls) : NULL;
}

/* After a failed compile: POL_ESYNTAX with the diagnostics as the
 * message, or POL_ENOMEM when there are none or memory ran out (then the
 * diagnostics may be ones that out of memory caused). */
static int compile_failed(pol_env *env) {
  if (pol_diag_count(env) == 0 || diag_set_oom(&env->diags)) {
    api_msg(&env->errmsg, "out of memory while compiling");
    return POL_ENOMEM;
  }
  /* straight into the message: the text pol_diag_render handed out
   * stays the host's until it renders again */
  sbuf *m = &env->errmsg;
  sb_reset(m);
  render_diags(env, 0, m);
  if (m->len && m->p[m->len - 1] == '\n') /* the message ends without one */
    m->p[--m->len] = '\0';
  return POL_ESYNTAX;
}

int api_compile_failed(pol_env *env) { return compile_failed(env); }

int pol_compile_expr(pol_env *env, const char *src, size_t len,
                     const char *name, const pol_facts *decls,
                     pol_program **out) {
  if (out)
    *out = NULL;
  if (!env)
    return POL_EINVAL;
  if (!src || !out)
    return api_refused(&env->errmsg, __func__,
                       src ? "no out pointer (NULL)" : "no source (NULL)");
  program *p = compile_src(env, src, len, name, decls);
  *out = (pol_program *)p;
  return p ? POL_OK : compile_failed(env);
}

void pol_program_free(pol_program *prog) { program_free((program *)prog); }

const char *pol_program_disasm(pol_env *env, const pol_program *prog) {
  if (!env || !prog)
    return "";
  if (!program_fused(PROG(prog)))
    return NULL;
  sb_reset(&env->disasm);
  program_disasm(PROG(prog), &env->disasm);
  sb_putc(&env->disasm, '\0');
  return env->disasm.oom ? NULL : env->disasm.p;
}

/* ==== evaluation ========================================================= */

int pol_ctx_new(pol_env *env, pol_ctx **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!env)
    return POL_EINVAL;
  pol_ctx *c = mem_calloc(&env->m, 1, sizeof *c);
  if (!c)
    return POL_ENOMEM;
  c->env = env;
  c->m = env->m;
  vm_init(&c->vm, env->cfg.max_steps, env->cfg.max_memory, &env->m);
  report_scratch_init(&c->scratch, &env->m);
  arena_init(&c->results, 0, &env->m);
  sb_init(&c->text, &env->m);
  sb_init(&c->errmsg, &env->m);
  *out = c;
  return POL_OK;
}

void pol_ctx_free(pol_ctx *c) {
  if (!c)
    return;
  vm_free(&c->vm);
  report_scratch_free(&c->scratch);
  arena_free(&c->results);
  sb_free(&c->text);
  sb_free(&c->errmsg);
  mem_free(&c->m, c);
}

const char *pol_ctx_errmsg(const pol_ctx *c) {
  return c ? api_text(&c->errmsg) : "no context";
}

void pol_ctx_set_interrupt(pol_ctx *c, int (*fn)(void *), void *user) {
  if (!c)
    return;
  c->vm.interrupt = fn;
  c->vm.interrupt_user = user;
}

/* The vm reads both limits at the start of each run, and its arena
 * checks the memory limit on each allocation: changing them between
 * runs is all it takes. */
int pol_ctx_set_limits(pol_ctx *c, uint64_t max_steps, size_t max_memory) {
  if (!c)
    return POL_EINVAL;
  c->vm.max_steps = max_steps;
  c->vm.max_memory = max_memory;
  c->vm.a.limit = max_memory;
  return POL_OK;
}

int pol_ctx_set_as_of(pol_ctx *c, const char *date) {
  int64_t sec = 0;
  if (!c)
    return POL_EINVAL;
  if (date && !tm_parse_date(date, &sec)) {
    api_msg(&c->errmsg, "pol_ctx_set_as_of: '%s' is not a date of the "
            "form YYYY-MM-DD", date);
    return POL_EFORMAT;
  }
  c->has_as_of = date != NULL;
  c->as_of = sec;
  return POL_OK;
}

/* The status of an evaluation that gave the error [e] of [p], with its
 * message, "file:line:col: message", in [c]. */
int api_runtime_error(sbuf *msg, const program *p, const err *e) {
  msg->len = 0;
  msg->oom = false;
  if (e->loc >= 0 && (uint32_t)e->loc < p->ncode) {
    const loc *l = &p->locs[e->loc];
    sb_printf(msg, "%s:%u:%u: ", p->srcs[l->src].name, l->line, l->col);
  } else {
    sb_printf(msg, "%s: ", p->nsrcs ? p->srcs[0].name : "<expr>");
  }
  /* the reason may quote fact bytes (int("1\x1b]0;...")): sanitised,
   * since hosts and policyc print it on a terminal as it is */
  sbuf why;
  sb_init(&why, &msg->m);
  vm_err_describe(&why, e, p);
  sb_putc(&why, '\0');
  if (why.oom)
    msg->oom = true;
  else
    out_text(msg, why.p);
  sb_free(&why);
  switch (e->kind) {
  case ERR_LIMIT: return POL_ELIMIT;
  case ERR_NOMEM: return POL_ENOMEM;
  case ERR_INTERRUPTED: return POL_EINTERRUPT;
  default: return POL_ERUNTIME;
  }
}

int pol_eval(pol_ctx *c, const pol_program *prog, const pol_facts *facts,
             const pol_value **out) {
  if (out)
    *out = NULL;
  if (!c)
    return POL_EINVAL;
  if (!prog || !out)
    return api_refused(&c->errmsg, __func__,
                       prog ? "no out pointer (NULL)" : "no program (NULL)");
  if (c->busy)
    return api_busy(c, __func__);
  const program *p = PROG(prog);
  c->vm.has_now = c->has_as_of; /* else now() reads the clock */
  c->vm.now_sec = c->as_of;
  c->busy = true;
  val r = vm_run(&c->vm, p, 0, facts ? facts->vars : NULL);
  c->busy = false;
  int rc = POL_OK;
  if (r.kind == V_ERROR)
    rc = api_runtime_error(&c->errmsg, p, r.as.e);
  else
    c->errmsg.len = 0;
  /* a result may point into the program's constants or the facts: the
   * copy is the ctx's own, so it outlives both (pol.h) */
  arena_reset(&c->results);
  c->result = val_deepcopy(&c->results, r);
  if (r.kind != V_ERROR && c->result.kind == V_ERROR) {
    api_msg(&c->errmsg, "out of memory");
    rc = POL_ENOMEM;
  }
  *out = (const pol_value *)&c->result;
  return rc;
}
