/*
 * api_explain.c: include/pol.h's explanations of verdicts (pol_explain_*,
 * explain.h): an explainer per policy, one rule for one vendor at a time,
 * as text, JSON or a list of nodes.
 */
#include "pol.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "handles.h"
#include "report.h"
#include "time.h"

struct pol_explain {
  explainer *x;
  mem m;      /* the policy's allocator, which made this */
};

int pol_explain_new(const pol_policy *pol, pol_explain **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!pol || !POLICY(pol)->src)
    return POL_EINVAL;
  const mem *m = &POLICY(pol)->a.m;
  pol_explain *e = mem_calloc(m, 1, sizeof *e);
  if (!e || !(e->x = explain_new(POLICY(pol)))) {
    mem_free(m, e);
    return POL_ENOMEM;
  }
  e->m = *m;
  *out = e;
  return POL_OK;
}

void pol_explain_free(pol_explain *x) {
  if (!x)
    return;
  const mem m = x->m;
  explain_free(x->x);
  mem_free(&m, x);
}

int pol_explain_set_as_of(pol_explain *x, const char *date) {
  int64_t sec;
  if (!x || !date)
    return POL_EINVAL;
  if (!tm_parse_date(date, &sec))
    return POL_EFORMAT;
  x->x->vm.has_now = true;
  x->x->vm.now_sec = sec;
  return POL_OK;
}

int pol_explain_rule(pol_explain *x, const pol_facts *facts, size_t r,
                     const char *lang_code) {
  if (!x)
    return POL_EINVAL;
  /* a failing call leaves no explanation, never the previous rule's (a
   * host that misses the status would show it as this rule's) */
  x->x->rule = -1;
  if (r >= x->x->pol->nrules)
    return POL_EINVAL;
  int l = lang_code ? policy_lang(lang_code) : LANG_JA;
  if (l < 0)
    return POL_EINVAL;
  const map *vars = facts ? facts->vars : NULL;
  return explain_rule(x->x, vars, (uint32_t)r, (lang)l) ? POL_OK
                                                         : POL_ENOMEM;
}

const char *pol_explain_render(pol_explain *x, int format) {
  if (!x || x->x->rule < 0)
    return NULL;
  if (format == POL_FORMAT_TEXT)
    return explain_text(x->x);
  return format == POL_FORMAT_JSON ? explain_json(x->x) : NULL;
}

const char *pol_explain_verdict(const pol_explain *x) {
  return x && x->x->rule >= 0 ? verdict_name((verdict)x->x->verdict) : NULL;
}

const char *pol_explain_sentence(const pol_explain *x) {
  return x && x->x->rule >= 0 ? x->x->sentence : NULL;
}

size_t pol_explain_node_count(const pol_explain *x) {
  uint32_t n = 0;
  if (x)
    explain_nodes(x->x, &n);
  return n;
}

/* For a ?: node: 1 when its condition was true, 2 when false, else 0. */
static int arm_taken(const explainer *x, const xnode *nodes, uint32_t count,
                     uint32_t i) {
  for (uint32_t k = i + 1; k < count; k++)
    if (nodes[k].parent == (int32_t)i && nodes[k].n == nodes[i].n->kids[0]) {
      const xvalue *v = &x->values[k];
      if (v->state != XS_VALUE || v->v.kind != V_BOOL)
        return 0;
      return v->v.as.b ? 1 : 2;
    }
  return 0;
}

int pol_explain_get(const pol_explain *x, size_t i,
                    pol_explain_node *out) {
  static const char *const kinds[] = {"and", "or", "not", "cond",
                                      "compare", "quantifier", "let", "fact",
                                      "call", "other"};
  static const char *const states[] = {"value", "missing", "error",
                                       "skipped"};
  uint32_t count;
  const xnode *nodes = x ? explain_nodes(x->x, &count) : NULL;
  if (!nodes || !out || i >= count ||
      out->size < offsetof(pol_explain_node, state))
    return POL_EINVAL;
  const xnode *n = &nodes[i];
  const xvalue *v = &x->x->values[i];
  pol_explain_node e = {
      sizeof e, n->depth, n->parent, n->role ? "require" : "when",
      kinds[n->kind], n->text, states[v->state],
      v->state == XS_VALUE ? (const pol_value *)&v->v : NULL, v->msg,
      v->decided ? v->item : NULL,
      v->decided ? (const pol_value *)&v->item_v : NULL,
      n->kind == XK_COND ? arm_taken(x->x, nodes, count, (uint32_t)i) : 0};
  size_t size = out->size < sizeof e ? out->size : sizeof e;
  memcpy(out, &e, size);
  out->size = size;
  return POL_OK;
}
