/*
 * test_cover.c: what the cases of a test file exercised (testing.h).
 * The items are: each rule (some case names it in "expect"); each
 * outcome of a `when` (true, false); each operand of && and || (seen
 * true, seen false), and each arm of ?: (taken) -- counted over the cases
 * that name the rule, from the values pol_explain gives the rule's
 * sub-expressions (lets and derived facts opened up). The percentage is
 * of all items.
 */
#include <stdlib.h>
#include <string.h>

#include "testing.h"

enum { SEEN_TRUE = 1, SEEN_FALSE = 2, ARM_THEN = 4, ARM_ELSE = 8 };

typedef struct rule_cov {
  bool named;
  size_t n;          /* its nodes */
  uint8_t *seen;     /* per node: SEEN_* and ARM_* */
  uint8_t *items;    /* per node: the bits that are items */
  const char **text; /* per node */
} rule_cov;

struct coverage {
  const pol_policy *pol;
  pol_explain *x;
  rule_cov *rules;
  size_t nrules;
};

/* The items of node [i] of the explained rule: outcomes of a `when`, of
 * an operand of && or ||, arms of a ?:. */
static uint8_t items_of(const pol_explain *x, size_t i) {
  pol_explain_node n = POL_EXPLAIN_NODE_INIT, parent = POL_EXPLAIN_NODE_INIT;
  pol_explain_get(x, i, &n);
  if (!strcmp(n.kind, "cond"))
    return ARM_THEN | ARM_ELSE;
  if (n.depth == 0 && !strcmp(n.role, "when"))
    return SEEN_TRUE | SEEN_FALSE;
  if (n.parent >= 0 && pol_explain_get(x, (size_t)n.parent, &parent) ==
                           POL_OK &&
      (!strcmp(parent.kind, "and") || !strcmp(parent.kind, "or")))
    return SEEN_TRUE | SEEN_FALSE;
  return 0;
}

/* The shape of rule [r]: its nodes and their items. */
static void shape(imp_pool *p, coverage *c, size_t r) {
  rule_cov *rc = &c->rules[r];
  pol_explain_rule(c->x, NULL, r, NULL);
  rc->n = pol_explain_node_count(c->x);
  rc->seen = imp_alloc(p, rc->n + 1);
  rc->items = imp_alloc(p, rc->n + 1);
  rc->text = imp_alloc(p, (rc->n + 1) * sizeof *rc->text);
  for (size_t i = 0; i < rc->n; i++) {
    pol_explain_node n = POL_EXPLAIN_NODE_INIT;
    pol_explain_get(c->x, i, &n);
    rc->items[i] = items_of(c->x, i);
    rc->text[i] = imp_strdup(p, n.text);
  }
}

coverage *cover_new(imp_pool *p, const pol_policy *pol) {
  coverage *c = imp_alloc(p, sizeof *c);
  if (pol_explain_new(pol, &c->x) != POL_OK)
    return NULL;
  c->pol = pol;
  c->nrules = pol_policy_rule_count(pol);
  c->rules = imp_alloc(p, (c->nrules + 1) * sizeof *c->rules);
  for (size_t r = 0; r < c->nrules; r++)
    shape(p, c, r);
  return c;
}

void cover_rule(coverage *c, const pol_facts *facts, size_t r) {
  rule_cov *rc = &c->rules[r];
  rc->named = true;
  if (pol_explain_rule(c->x, facts, r, NULL) != POL_OK)
    return;
  for (size_t i = 0; i < rc->n && i < pol_explain_node_count(c->x); i++) {
    pol_explain_node n = POL_EXPLAIN_NODE_INIT;
    pol_explain_get(c->x, i, &n);
    if (n.arm)
      rc->seen[i] |= n.arm == 1 ? ARM_THEN : ARM_ELSE;
    else if (n.value && pol_value_type(n.value) == POL_T_BOOL)
      rc->seen[i] |= pol_value_bool(n.value) ? SEEN_TRUE : SEEN_FALSE;
  }
}

static int bits(uint8_t x) { return __builtin_popcount(x); }

/* What node [i] of [rc] still lacks, as words; NULL when nothing. */
static const char *missing(const rule_cov *rc, size_t i) {
  uint8_t lack = rc->items[i] & ~rc->seen[i];
  if (!lack)
    return NULL;
  if (lack == (ARM_THEN | ARM_ELSE))
    return "never evaluated its condition";
  if (lack & ARM_THEN)
    return "never took its 'then' arm";
  if (lack & ARM_ELSE)
    return "never took its 'else' arm";
  if (lack == (SEEN_TRUE | SEEN_FALSE))
    return "never true or false";
  return lack & SEEN_TRUE ? "never true" : "never false";
}

void cover_report(coverage *c, FILE *out, const char *name,
                  unsigned long *covered, unsigned long *total) {
  unsigned long cov = 0, all = 0;
  for (size_t r = 0; r < c->nrules; r++) {
    const rule_cov *rc = &c->rules[r];
    all++, cov += rc->named;
    for (size_t i = 0; i < rc->n; i++)
      all += (unsigned long)bits(rc->items[i]),
          cov += (unsigned long)bits(rc->items[i] & rc->seen[i]);
  }
  fprintf(out, "coverage of %s: %lu of %lu rules and branches (%.1f%%)\n",
          name, cov, all, all ? 100.0 * (double)cov / (double)all : 100.0);
  for (size_t r = 0; r < c->nrules; r++) {
    const rule_cov *rc = &c->rules[r];
    unsigned line, col;
    const char *file = pol_policy_rule_file(c->pol, r, &line, &col);
    const char *id = pol_policy_rule_id(c->pol, r);
    if (!rc->named) {
      fprintf(out, "  %s:%u:%u: rule %s: no case checks it\n", file, line,
              col, id);
      continue;
    }
    for (size_t i = 0; i < rc->n; i++)
      if (missing(rc, i))
        fprintf(out, "  %s:%u:%u: rule %s: %s %s\n", file, line, col, id,
                rc->text[i], missing(rc, i));
  }
  *covered += cov;
  *total += all;
}

void cover_free(coverage *c) {
  if (c)
    pol_explain_free(c->x);
}
