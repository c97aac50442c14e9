/*
 * policy_adapt.c: how an organisation adapts an imported module without
 * copying it (docs/policies.md, "Adapting a module"):
 *
 *   import "meti_baseline" { exclude [meti_onsite_audit, meti_clock_sync] }
 *   override meti_backup { severity should  title "…" }
 *
 * An exclusion drops rules of the module it is written on; an override
 * replaces some presentation clauses of one imported rule (title,
 * severity, refs, ask), never what it checks: to check something else,
 * exclude the rule and write one's own. Mistakes are errors at their
 * place: an excluded or overridden rule that does not exist, an override
 * of the policy's own rule, of a rule twice, or of when/require/message.
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "suggest.h"

/* The id of rule [s], as policy.c gives it, into [buf]. */
static const char *stmt_id(const policy_stmt *s, char *buf, size_t cap) {
  if (s->n->name)
    return s->n->name;
  if (s->module)
    snprintf(buf, cap, "%s.rule_%u", s->module, s->index);
  else
    snprintf(buf, cap, "rule_%u", s->index);
  return buf;
}

/* The name an element of an `exclude` list gives: an identifier or a
 * string; NULL (reported) for anything else. */
static const char *excluded_name(const ast *e, diag_list *d) {
  if (e->kind == AST_IDENT && !(e->flags & AST_F_ROOTED))
    return e->name;
  if (e->kind == AST_STRING_LIT)
    return e->lit.s.p;
  diag_add(d, DC_CLAUSE_VALUE, e->sp,
           "'exclude' takes rule ids: [rule_a, rule_b]");
  return NULL;
}

/* "did you mean" for the rule id [id] that no rule of [rules] (of the
 * module file [md], or of any module when NULL) has: the named rules
 * are offered (an anonymous rule's id is made up, and rarely mistyped). */
static void rule_hint(diag_list *d, const policy_stmt *rules, size_t n,
                      const diag_list *md, const char *id) {
  suggest s;
  suggest_init(&s, id);
  for (size_t i = 0; i < n; i++)
    if (rules[i].module && rules[i].n->name && (!md || rules[i].d == md))
      suggest_offer(&s, rules[i].n->name);
  if (suggest_best(&s))
    diag_hint(d, "did you mean '%s'?", suggest_best(&s));
}

/* Whether [id], in an exclude on the import of [module] that found
 * the file [md], names rule [s]: by its id, or, for an anonymous rule,
 * as [module].rule_N, since a file imported by two names has its
 * anonymous ids from the one that loaded it first. */
static bool names_rule(const policy_stmt *s, const diag_list *md,
                       const char *module, const char *id) {
  char buf[512];
  if (!s->module || s->d != md)
    return false;
  if (!strcmp(stmt_id(s, buf, sizeof buf), id))
    return true;
  if (s->n->name)
    return false;
  snprintf(buf, sizeof buf, "%s.rule_%u", module, s->index);
  return !strcmp(buf, id);
}

/* Whether [id] names one of the [n] rules [gone] (names_rule()). */
static bool excluded_already(const policy_stmt *gone, size_t n,
                             const diag_list *md, const char *module,
                             const char *id) {
  for (size_t i = 0; i < n; i++)
    if (names_rule(&gone[i], md, module, id))
      return true;
  return false;
}

/* Drop the rules of [module], read from the file [md], named by the
 * exclude list [ids], onto [gone]. The file tells the module: two
 * directories may each have a module of that name. */
static void exclude(policy_stmt *rules, size_t *n, const char *module,
                    const diag_list *md, const ast *ids, diag_list *d,
                    policy_stmt *gone, size_t *ngone) {
  if (ids->kind != AST_LIST) {
    diag_add(d, DC_CLAUSE_VALUE, ids->sp,
             "'exclude' takes a list of rule ids");
    return;
  }
  for (uint32_t k = 0; k < ids->nkids; k++) {
    const char *id = excluded_name(ids->kids[k], d);
    bool found = false;
    for (size_t i = 0; id && i < *n; i++) {
      const policy_stmt *s = &rules[i];
      if (!names_rule(s, md, module, id))
        continue;
      gone[(*ngone)++] = *s;
      memmove(&rules[i], &rules[i + 1], (*n - i - 1) * sizeof *rules);
      (*n)--;
      found = true;
      break;
    }
    if (id && !found && !excluded_already(gone, *ngone, md, module, id)) {
      diag_add(d, DC_UNKNOWN_RULE, ids->kids[k]->sp, "module '%s' has no "
               "rule '%s' to exclude", module, id);
      rule_hint(d, rules, *n, md, id);
    }
  }
}

void policy_exclude(policy_stmt *rules, size_t *n, const policy_stmt *imp,
                    policy_stmt *gone, size_t *ngone) {
  const ast *i = imp->n;
  if (!imp->module_d) /* not loaded: that is the one error */
    return;
  for (uint32_t k = 0; k < i->nkids; k++)
    if (i->kids[k]->kind == AST_CLAUSE &&
        !strcmp(i->kids[k]->name, "exclude"))
      exclude(rules, n, i->lit.s.p, imp->module_d, i->kids[k]->kids[0],
              imp->d, gone, ngone);
}

/* Only what a rule is called and how much it weighs may change. */
static bool may_override(const ast *o, diag_list *d) {
  static const char *const allowed[] = {"title", "severity", "refs", "ask"};
  bool ok = true;
  for (uint32_t k = 0; k < o->nkids; k++) {
    const ast *c = o->kids[k];
    bool in = false;
    for (size_t a = 0; a < POL_COUNTOF(allowed); a++)
      in |= c->kind == AST_CLAUSE && !strcmp(c->name, allowed[a]);
    if (c->kind == AST_CLAUSE && !in) {
      diag_add(d, DC_OVERRIDE_CLAUSE, c->sp, "an override cannot change "
               "'%s' (only title, severity, refs and ask)", c->name);
      diag_hint(d, "to check something else, exclude the rule and write "
                "your own");
      ok = false;
    }
  }
  return ok;
}

void policy_override(policy_stmt *rules, size_t n, const policy_stmt *ov,
                     bool missing) {
  char buf[512];
  const ast *o = ov->n;
  for (size_t i = 0; i < n; i++) {
    policy_stmt *s = &rules[i];
    if (strcmp(stmt_id(s, buf, sizeof buf), o->name) != 0)
      continue;
    if (!s->module || s->d == ov->d) /* a module's own rule too */
      diag_add(ov->d, DC_OVERRIDE_OWN, o->sp, "rule '%s' is the %s's "
               "own: change it where it is (%s:%u), not with an override",
               o->name, s->module ? "module" : "policy", s->d->file,
               s->n->sp.line);
    else if (s->over)
      diag_add(ov->d, DC_OVERRIDE_TWICE, o->sp, "rule '%s' is already "
               "overridden at %s:%u", o->name, s->over_d->file,
               s->over->sp.line);
    else if (may_override(o, ov->d)) {
      s->over = o;
      s->over_d = ov->d;
    }
    return;
  }
  if (missing) /* perhaps a rule of the module not found */
    return;
  diag_add(ov->d, DC_UNKNOWN_RULE, o->sp, "no imported rule '%s' to "
           "override (an excluded one cannot be overridden)", o->name);
  rule_hint(ov->d, rules, n, NULL, o->name);
}
