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
