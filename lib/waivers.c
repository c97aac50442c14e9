/*
 * waivers.c: waivers, each accepting one rule's FAIL, UNKNOWN or ERROR for
 * one vendor until an expiry date, with who accepted it and why
 * (docs/report-format.md "Waivers"). A waived result keeps its verdict:
 * reports show WAIVED beside it, and it no longer counts against
 * compliance. A waiver past its expiry at the as-of date does not apply,
 * and the report says it expired.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "suggest.h"
#include "time.h"

void waivers_init(waiver_set *s, const policy *pol) {
  memset(s, 0, sizeof *s);
  s->pol = pol;
  arena_init(&s->a, 0, &pol->a.m);
}

void waivers_free(waiver_set *s) {
  mem_free(&s->a.m, s->w);
  names_free(&s->by_vendor);
  arena_free(&s->a);
  memset(s, 0, sizeof *s);
}

/* The rule id nearest to [id] by the one "did you mean" rule (suggest.c),
 * or NULL. */
static const char *nearest_rule(const policy *p, const char *id) {
  suggest s;
  suggest_init(&s, id);
  for (uint32_t i = 0; i < p->nrules; i++)
    suggest_offer(&s, p->rules[i].id);
  return suggest_best(&s);
}

/* ==== waivers by vendor ================================================= */

/* A report asks for each vendor's waivers, and adding a waiver asks for
 * the vendor's others (a second waiver of a rule is refused): a table
 * from vendor names to their first waiver, the rest chained, so that
 * neither looks through every waiver (a file of one waiver per vendor,
 * over a stream of those vendors, was waivers x vendors). */

/* The first waiver of vendor [name] + 1, or 0. */
static uint32_t vendor_first(const waiver_set *s, const char *name) {
  return (uint32_t)(names_get(&s->by_vendor, name) + 1);
}

/* Chain waiver [i] (its vendor set) after the vendor's others. */
static bool vendor_add(waiver_set *s, uint32_t i) {
  uint32_t at = vendor_first(s, s->w[i].vendor);
  if (!at)
    return (s->by_vendor.slots || names_init(&s->by_vendor, 16, &s->a.m)) &&
           names_put(&s->by_vendor, s->w[i].vendor, (int)i) != -2;
  while (s->w[at - 1].next)
    at = s->w[at - 1].next;
  s->w[at - 1].next = i + 1;
  return true;
}

static const char *copy(waiver_set *s, const char *t) {
  return t ? arena_strndup(&s->a, t, strlen(t)) : NULL;
}

/* What is wrong with a waiver of [rule_id] for [vendor], or NULL. */
static const char *invalid(const waiver_set *s, const char *rule_id,
                           const char *vendor, const char *expires,
                           char *msg, size_t cap) {
  int64_t sec, r = policy_rule_find(s->pol, rule_id);
  if (r < 0) {
    const char *near = nearest_rule(s->pol, rule_id);
    snprintf(msg, cap, "unknown rule '%s'%s%s%s", rule_id,
             near ? "; did you mean '" : "", near ? near : "",
             near ? "'?" : "");
    return msg;
  }
  if (expires && !tm_parse_date(expires, &sec)) {
    snprintf(msg, cap, "bad expiry date '%s' (expected YYYY-MM-DD)",
             expires);
    return msg;
  }
  for (uint32_t i = vendor_first(s, vendor); i; i = s->w[i - 1].next)
    if (s->w[i - 1].rule == (uint32_t)r) {
      snprintf(msg, cap, "a second waiver of rule '%s' for vendor '%s'",
               rule_id, vendor);
      return msg;
    }
  return NULL;
}

const char *waivers_add(waiver_set *s, const char *rule_id,
                        const char *vendor, const char *owner,
                        const char *justification, const char *ticket,
                        const char *expires, char *msg, size_t cap) {
  if (invalid(s, rule_id, vendor, expires, msg, cap))
    return msg;
  if (!mem_grow(&s->a.m, (void **)&s->w, &s->cap, s->n + 1, sizeof *s->w)) {
    snprintf(msg, cap, "out of memory");
    return msg;
  }
  waiver *w = &s->w[s->n];
  memset(w, 0, sizeof *w);
  w->rule = (uint32_t)policy_rule_find(s->pol, rule_id);
  w->vendor = copy(s, vendor);
  w->owner = copy(s, owner);
  w->justification = copy(s, justification);
  w->ticket = copy(s, ticket);
  w->expires = copy(s, expires);
  if (expires)
    tm_parse_date(expires, &w->expires_sec);
  if (s->a.failed || !vendor_add(s, (uint32_t)s->n)) {
    snprintf(msg, cap, "out of memory");
    return msg;
  }
  s->n++;
  return NULL;
}

/* The evaluation date of [r]: its as-of date, else now. */
static int64_t as_of(const report *r) {
  return r->has_as_of ? r->as_of : (int64_t)time(NULL);
}

void waivers_apply(const report *r, vendor_result *vr) {
  const waiver_set *s = r->waivers;
  for (uint32_t i = s ? vendor_first(s, vr->name) : 0; i;
       i = s->w[i - 1].next) {
    const waiver *w = &s->w[i - 1];
    rule_result *rr = &vr->rules[w->rule];
    if (rr->v != VD_FAIL && rr->v != VD_UNKNOWN && rr->v != VD_ERROR)
      continue;
    rr->waiver = w;
    /* valid through its expiry day: expired from the next midnight */
    rr->waiver_expired = w->expires && as_of(r) >= w->expires_sec + 86400;
  }
}
