/*
 * lint_unknown_fact.c: L104 (check --lint only), a fact path that no
 * schema declares and no vendor being checked has: every rule reading it
 * is UNKNOWN for every vendor, which is almost always a misspelt path or
 * a name from another vocabulary (`data.region` for
 * `data.location.countries`).
 */
#include "lint.h"

#include <string.h>

#include "schema.h"

/* Whether the fact set [vars] has [path], or a value on the way to it
 * that is not an object (then the path is not missing, but wrong). */
static bool has_path(const map *vars, const char *path) {
  const map *m = vars;
  for (const char *s = path; m;) {
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    const val *v = map_get_str(m, s, n, val_hash_bytes(s, n));
    if (!v)
      return false;
    if (!dot || v->kind != V_MAP)
      return true;
    m = v->as.m;
    s = dot + 1;
  }
  return false;
}

static void run(lint_run *L, const lint_check *self) {
  const policy *p = L->pol;
  for (uint32_t r = 0; L->nvendors && r < p->nrules; r++) {
    const char **paths;
    size_t n = lint_analysed_rule(L, r) ? lint_rule_paths(L, r, &paths) : 0;
    for (size_t i = 0; i < n; i++) {
      bool had = p->nfacts && schema_known(p, paths[i]);
      for (size_t v = 0; v < L->nvendors && !had; v++)
        had = has_path(L->vendors[v], paths[i]);
      if (!had)
        lint_rule_warn(L, self, r, NULL, NULL,
                       "fact '%s' is in no schema and in none of the %zu "
                       "vendors checked: rule '%s' is UNKNOWN for every one",
                       paths[i], L->nvendors, p->rules[r].id);
    }
  }
}

const lint_check lint_unknown_fact = {"L104", "unknown-fact", run};
