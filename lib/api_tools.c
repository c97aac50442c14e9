/*
 * api_tools.c: the authoring tools of include/pol.h: the formatter
 * (pol_format) and the analysis (pol_lint). They work on policy sources,
 * beside the compiler.
 */
#include "pol.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "handles.h"
#include "lint.h"

struct pol_lints {
  lint_run run;
  mem m;      /* the policy's allocator, which made this */
};

int pol_format(pol_env *env, const char *src, size_t len, const char *name,
               const char **out, size_t *outlen) {
  if (out)
    *out = NULL;
  if (outlen)
    *outlen = 0;
  if (!env)
    return POL_EINVAL;
  if (!src || !out || !outlen)
    return api_refused(&env->errmsg, __func__,
                       src ? "no out pointer (NULL)" : "no source (NULL)");
  diag_set_free(&env->diags);
  diag_list *d = diag_set_add(&env->diags, name ? name : "<policy>", src,
                              len);
  if (!d)
    return POL_ENOMEM;
  env->formatted.len = 0;
  env->formatted.oom = false;
  if (sb_reserve(&env->formatted, len + 1))
    env->formatted.p[0] = '\0';
  if (!format_policy(d, &env->formatted) || env->formatted.oom)
    return api_compile_failed(env);
  *out = env->formatted.p;
  *outlen = env->formatted.len;
  return POL_OK;
}

/* Copy what a warning borrows from the policy into the run's arena, so
 * that the warnings outlive the policy. */
static bool own_strings(lint_run *L) {
  for (size_t i = 0; i < L->n; i++) {
    lint_warning *w = &L->w[i];
    const char *id = w->rule;
    w->file = arena_strndup(&L->a, w->file, strlen(w->file));
    w->rule = id ? arena_strndup(&L->a, id, strlen(id)) : NULL;
    if (!w->file || (id && !w->rule))
      return false;
  }
  return true;
}

int pol_lint(const pol_policy *pol, const pol_facts *const *vendors,
             size_t nvendors, int flags, pol_lints **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!pol || !POLICY(pol)->src || (nvendors && !vendors))
    return POL_EINVAL;
  const mem *m = &POLICY(pol)->a.m;
  pol_lints *l = mem_calloc(m, 1, sizeof *l);
  const map **v = mem_calloc(m, nvendors + 1, sizeof *v);
  if (!l || !v) {
    mem_free(m, l);
    mem_free(m, v);
    return POL_ENOMEM;
  }
  l->m = *m;
  size_t nv = 0;
  for (size_t i = 0; i < nvendors; i++)
    if (vendors[i] && vendors[i]->vars)
      v[nv++] = vendors[i]->vars;
  lint_run *L = &l->run;
  L->pol = POLICY(pol);
  L->src = POLICY(pol)->src;
  L->vendors = v;
  L->nvendors = nv;
  L->verbose = (flags & POL_LINT_VERBOSE) != 0;
  bool ok = lint_policy(L) && own_strings(L);
  L->vendors = NULL;
  L->nvendors = 0;
  mem_free(m, v);
  if (!ok) {
    pol_lints_free(l);
    return POL_ENOMEM;
  }
  *out = l;
  return POL_OK;
}

const char *pol_lint_check(size_t i, const char **name) {
  const lint_check *c = lint_check_at(i);
  if (name)
    *name = c ? c->name : NULL;
  return c ? c->code : NULL;
}

void pol_lints_free(pol_lints *lints) {
  if (!lints)
    return;
  const mem m = lints->m;
  lint_free(&lints->run);
  mem_free(&m, lints);
}

size_t pol_lints_count(const pol_lints *lints) {
  return lints ? lints->run.n : 0;
}

int pol_lints_get(const pol_lints *lints, size_t i, pol_warning *out) {
  if (!lints || !out || i >= lints->run.n ||
      out->size < offsetof(pol_warning, message))
    return POL_EINVAL;
  const lint_warning *w = &lints->run.w[i];
  pol_warning x = {sizeof x,  w->code, w->name,    w->file,    w->line,
                   w->col,    w->rule, w->message, w->witness, w->verdict};
  memcpy(out, &x, out->size < sizeof x ? out->size : sizeof x);
  out->size = out->size < sizeof x ? out->size : sizeof x;
  return POL_OK;
}
