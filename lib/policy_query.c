/*
 * policy_query.c: questions asked of a compiled policy by the evaluator
 * and the renderers: a fact declaration by path, a severity's name.
 * (policy.c builds policies; this file only reads them.)
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int policy_fact_cmp(const void *a, const void *b) {
  return strcmp(((const fact_decl *)a)->path, ((const fact_decl *)b)->path);
}

const fact_decl *policy_fact(const policy *p, const char *path) {
  fact_decl key = {.path = path};
  if (!p->nfacts)
    return NULL;
  return bsearch(&key, p->facts, p->nfacts, sizeof *p->facts,
                 policy_fact_cmp);
}

bool policy_labels_ok(val labels) {
  if (labels.kind == V_NULL)
    return true;
  if (labels.kind != V_MAP)
    return false;
  for (uint32_t i = 0; i < labels.as.m->n; i++)
    if (labels.as.m->keys[i].kind != V_STRING ||
        labels.as.m->vals[i].kind != V_STRING)
      return false;
  return true;
}

const str *policy_label(const fact_decl *f, const str *value) {
  if (!f || f->labels.kind != V_MAP)
    return NULL;
  const val *at = map_get_str(f->labels.as.m, value->data, value->len,
                              str_hash(value));
  return at ? at->as.s : NULL;
}

const char *severity_name(severity s) {
  static const char *const names[] = {"must", "should", "may"};
  return (unsigned)s < 3 ? names[s] : "?";
}

const char *policy_fact_question(const policy *p, const char *path, lang l) {
  const fact_decl *f = policy_fact(p, path);
  return f && (unsigned)l < NLANGS ? f->ask[l] : NULL;
}

const char *policy_rule_question(const rule *r, lang l) {
  return l == LANG_JA ? r->ask : l == LANG_EN ? r->ask_en : NULL;
}

int policy_lang(const char *code) {
  static const char *const codes[NLANGS] = {"ja", "en"};
  for (int i = 0; code && i < NLANGS; i++)
    if (strcmp(codes[i], code) == 0)
      return i;
  return -1;
}
