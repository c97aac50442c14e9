/*
 * api_tools.c: the authoring tools of include/pol.h: the formatter
 * (pol_format). They work on policy sources, beside the compiler.
 */
#include "pol.h"

#include "format.h"
#include "handles.h"

int pol_format(pol_env *env, const char *src, size_t len, const char *name,
               const char **out, size_t *outlen) {
  if (!out || !outlen)
    return POL_EINVAL;
  *out = NULL;
  *outlen = 0;
  if (!env || !src)
    return POL_EINVAL;
  diag_set_free(&env->diags);
  diag_list *d = diag_set_add(&env->diags, name ? name : "<policy>", src,
                              len);
  if (!d)
    return POL_ENOMEM;
  env->text.len = 0;
  env->text.oom = false;
  if (sb_reserve(&env->text, len + 1))
    env->text.p[0] = '\0';
  if (!format_policy(d, &env->text) || env->text.oom)
    return api_compile_failed(env);
  *out = env->text.p;
  *outlen = env->text.len;
  return POL_OK;
}
