/*
 * lint_implied.c: L007, a should-rule implied by a must-rule: every fact
 * set on which the must-rule passes makes the should-rule pass (or skip)
 * too, so for any vendor that complies the should-rule adds nothing. The
 * rules are compared over the facts of both, when the should-rule reads
 * no fact the must-rule does not.
 */
#include "lint.h"

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

static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  for (uint32_t s = 0; s < p->nrules; s++) {
    const char **sp, **mp;
    if (p->rules[s].sev != SEV_SHOULD || !lint_analysed_rule(L, s) ||
        !lint_space_of(L, s))
      continue;
    size_t ns = lint_rule_paths(L, s, &sp);
    for (uint32_t m = 0; m < p->nrules; m++) {
      if (p->rules[m].sev != SEV_MUST || !lint_space_of(L, m))
        continue;
      size_t nm = lint_rule_paths(L, m, &mp);
      if (ns && subset(sp, ns, mp, nm) && implied(L, m, s)) {
        lint_rule_warn(L, self, s, NULL, NULL,
                       "should-rule '%s' is implied by must-rule '%s': "
                       "every vendor that passes '%s' passes it too",
                       p->rules[s].id, p->rules[m].id, p->rules[m].id);
        break;
      }
    }
  }
}

const lint_check lint_implied = {"L007", "implied", run};
