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
  mem_free(&s->a.m, s->pairs);
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

/* The slot of [key] in the set of pairs: where it is, or the empty slot
 * where it would go. The set has room (pairs_grow). */
static uint64_t *pair_slot(waiver_set *s, uint64_t key) {
  uint32_t mask = s->pairs_cap - 1;
  uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15u) >> 32) & mask;
  for (;; i = (i + 1) & mask) {
    s->probes++;
    if (s->pairs[i] == key || s->pairs[i] == 0)
      return &s->pairs[i];
  }
}

/* Room for one more pair: the set at most half full. */
static bool pairs_grow(waiver_set *s) {
  if (2 * (s->n + 1) <= s->pairs_cap)
    return true;
  uint32_t cap = s->pairs_cap ? 2 * s->pairs_cap : 32;
  uint64_t *old = s->pairs;
  uint32_t ocap = s->pairs_cap;
  if (!(s->pairs = mem_calloc(&s->a.m, cap, sizeof *s->pairs))) {
    s->pairs = old;
    return false;
  }
  s->pairs_cap = cap;
  for (uint32_t i = 0; i < ocap; i++)
    if (old[i])
      *pair_slot(s, old[i]) = old[i];
  mem_free(&s->a.m, old);
  return true;
}

/* The pair of a waiver of rule [r] for the vendor whose first is [at]. */
static uint64_t pair_key(uint32_t at, uint32_t r) {
  return (uint64_t)at << 32 | r;
}

/* Chain waiver [i] (its vendor set) after the vendor's others, the
 * vendor's first keeping where they end; note its pair. */
static bool vendor_add(waiver_set *s, uint32_t i) {
  uint32_t at = vendor_first(s, s->w[i].vendor);
  if (!pairs_grow(s))
    return false;
  if (!at) {
    if (!(s->by_vendor.slots || names_init(&s->by_vendor, 16, &s->a.m)) ||
        names_put(&s->by_vendor, s->w[i].vendor, (int)i) == -2)
      return false;
    at = i + 1;
  } else {
    s->w[s->w[at - 1].last - 1].next = i + 1;
  }
  s->w[at - 1].last = i + 1;
  *pair_slot(s, pair_key(at, s->w[i].rule)) = pair_key(at, s->w[i].rule);
  return true;
}

static const char *copy(waiver_set *s, const char *t) {
  return t ? arena_strndup(&s->a, t, strlen(t)) : NULL;
}

/* What is wrong with a waiver of [rule_id] for [vendor], or NULL. */
static const char *invalid(waiver_set *s, const char *rule_id,
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
  uint32_t at = vendor_first(s, vendor);
  if (at && *pair_slot(s, pair_key(at, (uint32_t)r))) {
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
  s->a.failed = false; /* the mark is this waiver's: an earlier call that
                          ran out (and added nothing) must not fail it */
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

/* The evaluation date of vendor [vr]'s check: the date now() was in
 * its rules (the report's as-of date, else the ctx's), else the clock. */
static int64_t as_of(const vendor_result *vr) {
  return vr->has_now ? vr->now_sec : (int64_t)time(NULL);
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
    rr->waiver_expired = w->expires && as_of(vr) >= w->expires_sec + 86400;
  }
}
