/*
 * api_waivers.c: the waiver and as-of functions of include/pol.h, on top
 * of waivers.c and the report.
 */
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "time.h"

struct pol_waivers {
  waiver_set s;
  sbuf errmsg;
};

int pol_waivers_new(const pol_policy *pol, pol_waivers **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!pol)
    return POL_EINVAL;
  const mem *m = &POLICY(pol)->a.m;
  pol_waivers *wv = mem_calloc(m, 1, sizeof *wv);
  if (!wv)
    return POL_ENOMEM;
  waivers_init(&wv->s, POLICY(pol));
  sb_init(&wv->errmsg, m);
  *out = wv;
  return POL_OK;
}

void pol_waivers_free(pol_waivers *wv) {
  if (!wv)
    return;
  mem m = wv->errmsg.m;
  waivers_free(&wv->s);
  sb_free(&wv->errmsg);
  mem_free(&m, wv);
}

const char *pol_waivers_errmsg(const pol_waivers *wv) {
  return wv ? api_text(&wv->errmsg) : "no waivers";
}

int pol_waivers_add(pol_waivers *wv, const pol_waiver *w) {
  char msg[600];
  if (!wv)
    return POL_EINVAL;
  if (!w || w->size < offsetof(pol_waiver, expires) + sizeof w->expires)
    return api_refused(&wv->errmsg, __func__,
                       w ? "its size member is not set (POL_WAIVER_INIT)"
                         : "no waiver (NULL)");
  if (!w->rule || !w->vendor || !*w->vendor) {
    api_msg(&wv->errmsg, "a waiver needs a rule and a vendor");
    return POL_EINVAL;
  }
  if (waivers_add(&wv->s, w->rule, w->vendor, w->owner, w->justification,
                  w->ticket, w->expires, msg, sizeof msg)) {
    api_msg(&wv->errmsg, "%s", msg);
    return strcmp(msg, "out of memory") ? POL_EINVAL : POL_ENOMEM;
  }
  return POL_OK;
}

size_t pol_waivers_count(const pol_waivers *wv) { return wv ? wv->s.n : 0; }

int pol_report_set_waivers(pol_report *rep, const pol_waivers *wv) {
  if (!rep || (wv && wv->s.pol != rep->r.pol))
    return POL_EINVAL;
  rep->r.waivers = wv ? &wv->s : NULL;
  return POL_OK;
}

int pol_report_set_as_of(pol_report *rep, const char *date) {
  int64_t sec;
  if (!rep)
    return POL_EINVAL;
  if (!date) { /* the ctx's date, or the clock, again */
    rep->r.has_as_of = false;
    return POL_OK;
  }
  if (!tm_parse_date(date, &sec))
    return POL_EFORMAT;
  rep->r.has_as_of = true;
  rep->r.as_of = sec;
  return POL_OK;
}

int pol_report_waiver(const pol_report *rep, size_t i, size_t r) {
  if (!rep || i >= rep->r.nvendors || r >= rep->r.pol->nrules)
    return POL_WAIVER_NONE;
  const rule_result *rr = &rep->r.vendors[i].rules[r];
  if (!rr->waiver)
    return POL_WAIVER_NONE;
  return rr->waiver_expired ? POL_WAIVER_EXPIRED : POL_WAIVER_ACTIVE;
}
