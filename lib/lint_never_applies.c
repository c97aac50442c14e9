/*
 * lint_never_applies.c: L005, a rule whose `when` is never true: it is
 * SKIPPED (or UNKNOWN, when a fact of `when` is missing) for every
 * vendor, so its requirement is never checked.
 */
#include "lint.h"

#include "report.h"

static void run(lint_run *L, const lint_check *self) {
  for (uint32_t r = 0; r < L->pol->nrules; r++) {
    const lint_space *s;
    if (!lint_analysed_rule(L, r) || L->pol->rules[r].when < 0 ||
        !(s = lint_space_of(L, r)) || lint_space_find(s, OUT_TRUE, -1) >= 0)
      continue;
    long k = lint_space_find(s, OUT_FALSE, -1);
    lint_rule_warn(L, self, r, k >= 0 ? lint_space_witness(L, s, (size_t)k)
                                      : NULL,
                   k >= 0 ? "SKIPPED" : NULL,
                   "rule '%s' never applies: its 'when' is true for no "
                   "values of its facts, so the rule is SKIPPED or UNKNOWN "
                   "for every vendor", L->pol->rules[r].id);
  }
}

const lint_check lint_never_applies = {"L005", "never-applies", run};
