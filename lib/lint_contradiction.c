/*
 * lint_contradiction.c: L003, `when` and `require` contradict each
 * other: `require` can be true, but never when `when` holds, so the rule
 * never passes (`when x > 10  require x < 5`). The witness is a fact set
 * on which the rule applies and fails.
 */
#include "lint.h"

static void run(lint_run *L, const lint_check *self) {
  for (uint32_t r = 0; r < L->pol->nrules; r++) {
    const lint_space *s;
    if (!lint_analysed_rule(L, r) || L->pol->rules[r].when < 0 ||
        !(s = lint_space_of(L, r)) || lint_space_find(s, OUT_TRUE, -1) < 0 ||
        lint_space_find(s, -1, OUT_TRUE) < 0 || /* never-pass */
        lint_space_find(s, OUT_TRUE, OUT_TRUE) >= 0)
      continue;
    long k = lint_space_find(s, OUT_TRUE, OUT_FALSE);
    lint_rule_warn(L, self, r, k >= 0 ? lint_space_witness(L, s, (size_t)k)
                                      : NULL,
                   k >= 0 ? "FAIL" : NULL,
                   "rule '%s' can never pass: whenever its 'when' holds, its "
                   "'require' is false", L->pol->rules[r].id);
  }
}

const lint_check lint_contradiction = {"L003", "when-contradicts", run};
