/*
 * lint_not_analysed.c: L000, with --verbose only: a rule outside the
 * fragment that lint.h analyses exactly, and why. Nothing is guessed
 * about such a rule, so the other checks say nothing of it.
 */
#include "lint.h"

static void run(lint_run *L, const lint_check *self) {
  for (uint32_t r = 0; L->verbose && r < L->pol->nrules; r++)
    if (lint_analysed_rule(L, r) && !lint_space_of(L, r) &&
        lint_space_why(L, r))
      lint_rule_warn(L, self, r, NULL, NULL,
                     "rule '%s' not analysed: %s", L->pol->rules[r].id,
                     lint_space_why(L, r));
}

const lint_check lint_not_analysed = {"L000", "not-analysed", run};
