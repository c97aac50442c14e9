/*
 * api_dump.c: the "saved bytecode" functions of include/pol.h, on top of
 * dump.c (writing), undump.c (reading) and verify.c (checking what was
 * read), plus the listing of a policy's code for `policyc compile
 * --list`.
 */
#include "pol.h"

#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "handles.h"
#include "sha256.h"

int pol_policy_save(const pol_policy *pol, void **out, size_t *len) {
  if (!pol || !out || !len)
    return POL_EINVAL;
  *out = NULL;
  *len = 0;
  sbuf b;
  sb_init(&b, &POLICY(pol)->a.m);
  char msg[256];
  int rc = dump_policy(POLICY(pol), &b, msg, sizeof msg);
  if (rc != POL_OK) {
    sb_free(&b);
    return rc;
  }
  *out = b.p; /* from the env's allocator: the caller's to pol_free() */
  *len = b.len;
  return POL_OK;
}

int pol_policy_load(pol_env *env, const void *data, size_t len,
                    const char *name, pol_policy **out) {
  if (out)
    *out = NULL;
  if (!env)
    return POL_EINVAL;
  if (!data || !out)
    return api_refused(&env->errmsg, __func__,
                       data ? "no out pointer (NULL)" : "no data (NULL)");
  char msg[900];
  policy *p;
  int rc = undump_policy(&env->m, data, len, env->hosts,
                         !(env->cfg.flags & POL_NO_JIT), &p, msg,
                         sizeof msg);
  if (rc != POL_OK) {
    api_msg(&env->errmsg, "%s: %s", name ? name : "<saved policy>", msg);
    return rc;
  }
  sha256_of(data, len, p->sha256);
  p->max_steps = env->cfg.max_steps;
  p->max_memory = env->cfg.max_memory;
  *out = (pol_policy *)p;
  return POL_OK;
}

bool pol_is_saved_policy(const void *data, size_t len) {
  return data && len >= DUMP_MAGIC_LEN &&
         memcmp(data, DUMP_MAGIC, DUMP_MAGIC_LEN) == 0;
}


/* "; rule ID: when" lines for every entry of [p] that starts at [pc]. */
static void entry_labels(sbuf *b, const policy *p, uint32_t pc) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    const rule *r = &p->rules[i];
    if (r->when >= 0 && (uint32_t)r->when == pc)
      sb_printf(b, "; rule %s: when\n", r->id);
    if (r->require == pc)
      sb_printf(b, "; rule %s: require\n", r->id);
    for (uint32_t k = 0; r->message && k < r->nmessage; k++)
      if (r->message[k].entry >= 0 && (uint32_t)r->message[k].entry == pc)
        sb_printf(b, "; rule %s: message {%s}\n", r->id, r->message[k].text);
  }
}

/* The listing of [pol]'s program (program_disasm: one instruction a
 * line, starting with its index), each entry preceded by the rule and
 * clause it belongs to. The text is owned by [env] until its next call;
 * NULL on out of memory (never a listing that says so: issue 13). */
const char *pol_policy_disasm(pol_env *env, const pol_policy *pol) {
  if (!env || !pol)
    return "";
  const policy *p = POLICY(pol);
  sbuf all;
  sb_init(&all, &env->m);
  program_disasm(p->prog, &all);
  sb_putc(&all, '\0');
  sb_reset(&env->policy_disasm);
  for (const char *s = all.oom ? NULL : all.p; s && *s;) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
    entry_labels(&env->policy_disasm, p, (uint32_t)strtoul(s, NULL, 10));
    sb_put(&env->policy_disasm, s, n);
    s += n;
  }
  bool oom = all.oom;
  sb_free(&all);
  sb_putc(&env->policy_disasm, '\0');
  return oom || env->policy_disasm.oom ? NULL : env->policy_disasm.p;
}
