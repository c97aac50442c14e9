/*
 * lint_no_question.c: L103, a rule without `ask` that reads facts for
 * which the schema has no question either: when the rule is UNKNOWN,
 * `check --questions` can only make up a question from the fact's path.
 */
#include "lint.h"

#include <string.h>

/* Whether the schema asks about [path], or about a declared path it
 * lies under (a map: certifications.vendor_expiry["ISO27001"]). */
static bool asked(const policy *p, const char *path, arena *a) {
  char *q = arena_strndup(a, path, strlen(path));
  for (char *dot = q; q; dot = strrchr(q, '.')) {
    if (dot != q)
      *dot = '\0';
    if (policy_fact_question(p, q, LANG_JA) ||
        policy_fact_question(p, q, LANG_EN))
      return true;
    if (policy_fact(p, q) || !strrchr(q, '.'))
      return false; /* declared without a question, or nothing above */
  }
  return false;
}

static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  for (uint32_t r = 0; r < p->nrules; r++) {
    if (!lint_analysed_rule(L, r) || p->rules[r].ask || p->rules[r].ask_en)
      continue;
    const char **paths;
    size_t n = lint_rule_paths(L, r, &paths);
    sbuf b;
    sb_init(&b, &L->a.m);
    for (size_t i = 0; i < n; i++)
      if (!asked(p, paths[i], &L->a))
        sb_printf(&b, "%s%s", b.len ? ", " : "", paths[i]);
    if (b.len)
      lint_rule_warn(L, self, r, NULL, NULL,
                     "rule '%s' has no 'ask', and the schema has no question "
                     "for %s: an UNKNOWN verdict gets only a generic question",
                     p->rules[r].id, b.p);
    L->oom |= b.oom;
    sb_free(&b);
  }
}

const lint_check lint_no_question = {"L103", "no-question", run};
