/*
 * lint_hides_stdlib.c: L105, a module of the organisation's (a file:
 * beside the policy, in an -I directory, on POLICY_PATH) imported by the
 * name of a standard library module. The search finds the file before
 * the standard library (docs/policies.md, Modules), so that import does
 * not load the standard module: each rule, let and fact it declares is
 * silently replaced by the file's, or missing, and a policy that meant
 * the standard one (`import "vendor_schema"`) checks something else.
 * (The prelude's regions and derived stay loaded, the file's lets
 * shadowing theirs: L102 says which.)
 * Nothing else says so, since there is no clash to report.
 */
#include "lint.h"

#include <string.h>

/* A module found in a file under a standard module's name, and its
 * first statement, where the warning goes. */
typedef struct hider {
  const char *name;
  const diag_list *d;
  const ast *first;
} hider;

/* Whether the statement [s] comes from a file module named like a
 * standard one. The prelude's statements and the standard library's own
 * modules are "<stdlib>/NAME.pol". */
static bool from_hider(const policy_stmt *s) {
  return s->module && !s->prelude && s->d && s->d->file &&
         strncmp(s->d->file, "<stdlib>/", 9) != 0 && stdlib_find(s->module);
}

/* Note [s] in [h] (*[n] of them): its module once, at its first
 * statement. Few modules are imported, so a scan does. */
static void note(hider *h, size_t *n, size_t cap, const policy_stmt *s) {
  for (size_t i = 0; i < *n; i++)
    if (h[i].d == s->d) {
      if (s->n->sp.off < h[i].first->sp.off)
        h[i].first = s->n;
      return;
    }
  if (*n < cap)
    h[(*n)++] = (hider){s->module, s->d, s->n};
}

static void note_all(hider *h, size_t *n, size_t cap,
                     const policy_stmt *s, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (from_hider(&s[i]))
      note(h, n, cap, &s[i]);
}

static void run(lint_run *L, const lint_check *self) {
  const policy_source *src = L->src;
  enum { CAP = 64 }; /* hiders reported; a policy has a few, if any */
  hider h[CAP];
  size_t n = 0;
  note_all(h, &n, CAP, src->lets, src->nlets);
  note_all(h, &n, CAP, src->rules, src->nrules);
  note_all(h, &n, CAP, src->facts, src->nfacts);
  for (size_t i = 0; i < n; i++)
    lint_node_warn(L, self, h[i].first, h[i].d,
                   "module '%s' (%s) hides the standard library's module "
                   "'%s': the file is found first, so its import loads "
                   "none of the standard module's rules, lets and facts; "
                   "rename the file if it is the organisation's own",
                   h[i].name, h[i].d->file, h[i].name);
}

const lint_check lint_hides_stdlib = {"L105", "hides-stdlib", run};
