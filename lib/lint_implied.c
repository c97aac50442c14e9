/*
 * lint_implied.c: L007, a should-rule implied by a must-rule: every fact
 * set on which the must-rule passes makes the should-rule pass (or skip)
 * too, so for any vendor that complies the should-rule adds nothing. The
 * rules are compared over the facts of both, when the should-rule reads
 * no fact the must-rule does not.
 */
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Whether every one of the [na] paths [a] is among the [nb] [b]. */
static bool subset(const char **a, size_t na, const char **b, size_t nb) {
  for (size_t i = 0; i < na; i++) {
    bool in = false;
    for (size_t j = 0; j < nb && !in; j++)
      in = !strcmp(a[i], b[j]);
    if (!in)
      return false;
  }
  return true;
}

/* Whether should-rule [s] follows from must-rule [m]: on the joint
 * analysis, m can pass, s can fail, and never m PASS with s not. */
static bool implied(lint_run *L, uint32_t m, uint32_t s) {
  lint_pair p;
  if (!lint_space_pair(L, m, s, &p))
    return false;
  bool m_passes = false, s_fails = false;
  for (size_t k = 0; k < p.n; k++) {
    int v_m = p.verdicts[2 * k], v_s = p.verdicts[2 * k + 1];
    m_passes |= v_m == VD_PASS;
    s_fails |= v_s == VD_FAIL;
    if (v_m == VD_PASS && v_s != VD_PASS && v_s != VD_SKIPPED)
      return false;
  }
  return m_passes && s_fails;
}

/* Every (path, must-rule) of the analysed must-rules, sorted by path
 * then rule (lint_keyed_cmp); their
 * number in *[n]. NULL (and L->oom) when out of memory. */
static lint_keyed *must_readers(lint_run *L, size_t *n) {
  const policy *p = L->pol;
  size_t k = 0, cap = 0;
  const char **mp;
  for (uint32_t m = 0; m < p->nrules; m++)
    if (p->rules[m].sev == SEV_MUST && lint_space_of(L, m))
      cap += lint_rule_paths(L, m, &mp);
  lint_keyed *v = mem_calloc(&L->a.m, cap + 1, sizeof *v);
  if (!v) {
    L->oom = true;
    return NULL;
  }
  for (uint32_t m = 0; m < p->nrules; m++)
    if (p->rules[m].sev == SEV_MUST && lint_space_of(L, m))
      for (size_t i = 0, nm = lint_rule_paths(L, m, &mp); i < nm; i++)
        v[k++] = (lint_keyed){mp[i], m};
  qsort(v, k, sizeof *v, lint_keyed_cmp);
  *n = k;
  return v;
}

/* The first reader of [path] in [v] ([n] of them), or [n]. */
static size_t first_reader(const lint_keyed *v, size_t n,
                           const char *path) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(v[mid].key, path) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* A must-rule that implies should-rule [s] reads every fact s reads, so
 * only the must-rules that read s's first fact are candidates: taken in
 * policy order, the first that implies s is the one named, and a policy
 * whose rules read different facts is not compared pair by pair. */
static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  lint_keyed *v = NULL;
  size_t nv = 0;
  for (uint32_t s = 0; s < p->nrules && !L->oom; s++) {
    const char **sp, **mp;
    if (p->rules[s].sev != SEV_SHOULD || !lint_analysed_rule(L, s) ||
        !lint_space_of(L, s))
      continue;
    size_t ns = lint_rule_paths(L, s, &sp);
    if (!ns)
      continue;
    if (!v && !(v = must_readers(L, &nv)))
      break;
    for (size_t i = first_reader(v, nv, sp[0]);
         i < nv && !strcmp(v[i].key, sp[0]); i++) {
      uint32_t m = v[i].rule;
      size_t nm = lint_rule_paths(L, m, &mp);
      L->compared++;
      if (subset(sp, ns, mp, nm) && implied(L, m, s)) {
        lint_rule_warn(L, self, s, NULL, NULL,
                       "should-rule '%s' is implied by must-rule '%s': "
                       "every vendor that passes '%s' passes it too",
                       p->rules[s].id, p->rules[m].id, p->rules[m].id);
        break;
      }
    }
  }
  mem_free(&L->a.m, v);
}

const lint_check lint_implied = {"L007", "implied", run};
