/*
 * lint_never_pass.c: L001, a rule that can never pass: its `require` is
 * true for no values of its facts (a contradiction such as `x > 5 &&
 * x < 3`). The witness is a fact set on which it fails.
 */
#include "lint.h"

static void run(lint_run *L, const lint_check *self) {
  for (uint32_t r = 0; r < L->pol->nrules; r++) {
    const lint_space *s;
    if (!lint_analysed_rule(L, r) || !(s = lint_space_of(L, r)) ||
        lint_space_find(s, OUT_TRUE, -1) < 0 || /* never-applies */
        lint_space_find(s, -1, OUT_TRUE) >= 0)
      continue;
    long k = lint_space_find(s, OUT_TRUE, OUT_FALSE);
    lint_rule_warn(L, self, r, k >= 0 ? lint_space_witness(L, s, (size_t)k)
                                      : NULL,
                   k >= 0 ? "FAIL" : NULL,
                   "rule '%s' can never pass: its 'require' is true for no "
                   "values of its facts", L->pol->rules[r].id);
  }
}

const lint_check lint_never_pass = {"L001", "never-pass", run};
