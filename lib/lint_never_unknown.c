/*
 * lint_never_unknown.c: L006, a rule that reads facts but is never
 * UNKNOWN: it decides even for a vendor that discloses none of them
 * (`!has(x) || x > 3` passes on silence), which a procurement rule
 * rarely means. The witness is the fact set without any of its facts.
 */
#include "lint.h"

#include "report.h"

static void run(lint_run *L, const lint_check *self) {
  for (uint32_t r = 0; r < L->pol->nrules; r++) {
    const lint_space *s;
    if (!lint_analysed_rule(L, r) || !(s = lint_space_of(L, r)) ||
        lint_space_facts(s) == 0)
      continue;
    bool unknown = false;
    for (size_t k = 0; k < lint_space_count(s) && !unknown; k++)
      unknown = lint_space_verdict(s, k) == VD_UNKNOWN;
    if (unknown)
      continue;
    size_t k = lint_space_count(s) - 1; /* every fact absent */
    const char *v = verdict_name((verdict)lint_space_verdict(s, k));
    lint_rule_warn(L, self, r, lint_space_witness(L, s, k), v,
                   "rule '%s' is never UNKNOWN: a vendor that discloses none "
                   "of its facts gets %s", L->pol->rules[r].id, v);
  }
}

const lint_check lint_never_unknown = {"L006", "never-unknown", run};
