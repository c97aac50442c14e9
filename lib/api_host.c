/*
 * api_host.c: the host-function part of pol.h: registering C functions
 * and escape-hatch functions in an env, and loading plugins. The work is
 * host.c's; this file checks the handle and keeps the message in it.
 */
#include "handles.h"
#include "host.h"

/* host.c writes its messages into a fixed buffer; the env keeps them. */
static int keep_msg(pol_env *env, int rc, const char *msg) {
  if (rc != POL_OK)
    api_msg(&env->errmsg, "%s", msg);
  return rc;
}

int pol_env_register(pol_env *env, const char *name, const char *signature,
                     void (*fn)(void)) {
  if (!env)
    return POL_EINVAL;
  char msg[1024];
  return keep_msg(env, host_add_c(env->hosts, name, signature, fn, msg,
                                  sizeof msg), msg);
}

int pol_env_register_value_fn(pol_env *env, const char *name, int min_args,
                              int max_args, pol_value_fn fn, void *user) {
  if (!env)
    return POL_EINVAL;
  char msg[1024];
  return keep_msg(env, host_add_value(env->hosts, name, min_args, max_args,
                                      fn, user, msg, sizeof msg), msg);
}

int pol_env_replace_value_fn(pol_env *env, const char *name, int min_args,
                             int max_args, pol_value_fn fn, void *user) {
  if (!env)
    return POL_EINVAL;
  char msg[1024];
  return keep_msg(env, host_replace_value(env->hosts, name, min_args,
                                          max_args, fn, user, msg,
                                          sizeof msg), msg);
}

int pol_env_load_plugin(pol_env *env, const char *path) {
  if (!env)
    return POL_EINVAL;
  char msg[1024];
  return keep_msg(env, host_load_plugin(env->hosts, path, msg, sizeof msg),
                  msg);
}
