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
  if (name) /* what the stamp names: the source may not be there */
    p->saved_file = arena_strndup(&p->a, name, strlen(name));
  p->max_steps = env->cfg.max_steps;
  p->max_memory = env->cfg.max_memory;
  *out = (pol_policy *)p;
  return POL_OK;
}

bool pol_is_saved_policy(const void *data, size_t len) {
  return data && len >= DUMP_MAGIC_LEN &&
         memcmp(data, DUMP_MAGIC, DUMP_MAGIC_LEN) == 0;
}


/* One "; rule ID: CLAUSE" line of the listing: the entry [pc] starts
 * clause [sub] of rule [rule] (0 when, 1 require, 2 + k message part k). */
typedef struct label {
  uint32_t pc, rule, sub;
} label;

static int label_cmp(const void *a, const void *b) {
  const label *x = a, *y = b;
  if (x->pc != y->pc)
    return x->pc < y->pc ? -1 : 1;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* Every entry of [p] as a label, sorted by pc, then rule and clause: the
 * order the listing names them in. Made once, where a scan of the rules
 * for each line of the listing cost lines x rules (4,000 one-line rules:
 * 1.2 G instructions). NULL with *[n] 0 when there is none or no memory. */
static label *entry_labels(const policy *p, const mem *m, size_t *n) {
  size_t cap = 0;
  for (uint32_t i = 0; i < p->nrules; i++)
    cap += 2 + p->rules[i].nmessage;
  label *v = cap ? mem_alloc(m, cap * sizeof *v) : NULL;
  *n = 0;
  if (!v)
    return NULL;
  for (uint32_t i = 0; i < p->nrules; i++) {
    const rule *r = &p->rules[i];
    if (r->when >= 0)
      v[(*n)++] = (label){(uint32_t)r->when, i, 0};
    v[(*n)++] = (label){r->require, i, 1};
    for (uint32_t k = 0; r->message && k < r->nmessage; k++)
      if (r->message[k].entry >= 0)
        v[(*n)++] = (label){(uint32_t)r->message[k].entry, i, 2 + k};
  }
  qsort(v, *n, sizeof *v, label_cmp);
  return v;
}

static void put_label(sbuf *b, const policy *p, const label *l) {
  const rule *r = &p->rules[l->rule];
  if (l->sub == 0)
    sb_printf(b, "; rule %s: when\n", r->id);
  else if (l->sub == 1)
    sb_printf(b, "; rule %s: require\n", r->id);
  else
    sb_printf(b, "; rule %s: message {%s}\n", r->id,
              r->message[l->sub - 2].text);
}

/* The listing of [pol]'s program (program_disasm: one instruction a
 * line, starting with its index), each entry preceded by the rule and
 * clause it belongs to. The text is owned by [env] until its next call;
 * NULL on out of memory (never a listing that says so: issue 13). */
const char *pol_policy_disasm(pol_env *env, const pol_policy *pol) {
  if (!env || !pol)
    return "";
  const policy *p = POLICY(pol);
  if (!program_fused(p->prog))
    return NULL;
  sbuf all;
  sb_init(&all, &env->m);
  program_disasm(p->prog, &all);
  sb_putc(&all, '\0');
  sb_reset(&env->policy_disasm);
  size_t nl = 0, at = 0;
  label *labels = entry_labels(p, &env->m, &nl);
  bool oom = all.oom || (!labels && p->nrules);
  for (const char *s = oom ? NULL : all.p; s && *s;) {
    const char *eol = strchr(s, '\n');
    size_t n = eol ? (size_t)(eol - s) + 1 : strlen(s);
    uint32_t pc = (uint32_t)strtoul(s, NULL, 10); /* lines go up by pc */
    while (at < nl && labels[at].pc < pc) /* an AX's second word */
      at++;
    for (; at < nl && labels[at].pc == pc; at++)
      put_label(&env->policy_disasm, p, &labels[at]);
    sb_put(&env->policy_disasm, s, n);
    s += n;
  }
  mem_free(&env->m, labels);
  sb_free(&all);
  sb_putc(&env->policy_disasm, '\0');
  return oom || env->policy_disasm.oom ? NULL : env->policy_disasm.p;
}
