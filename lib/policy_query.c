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
