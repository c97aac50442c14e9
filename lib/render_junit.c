/*
 * render_junit.c: --format junit, JUnit XML for CI servers (render.h):
 * one <testsuite> per vendor, written as it comes, one <testcase> per
 * rule. The outcome of a test case:
 *
 *   PASS                    passed
 *   FAIL, ERROR             <failure type="FAIL|ERROR">
 *   UNKNOWN                 --unknown=fail: <failure type="UNKNOWN">;
 *                           warn: passed, the warning in <system-out>;
 *                           ignore: <skipped>
 *   SKIPPED                 <skipped>, naming the `when` that was false
 *   waived                  <skipped message="WAIVED (FAIL): ...">
 *   expired waiver          the verdict's outcome, "expired waiver: ..." in
 *                           its text (the report says it expired)
 *   an input not checked    a <testsuite> named by the input, of one
 *                           <testcase> with an <error>: a bad record
 *                           must not vanish from a CI server's count
 *
 * <testsuites> carries no totals, which would have to be known before
 * the first vendor; each <testsuite> has its own. The stamp is the last
 * <testsuite>, "policyc stamp", of no tests, with the stamp as
 * <properties>. Names and messages are escaped (out_xml).
 */
#include <string.h>

#include "out.h"
#include "render.h"

typedef enum { O_PASS, O_FAILURE, O_SKIPPED } outcome;

static outcome outcome_of(const renderer *w, const rule_result *rr) {
  if (rule_waived(rr) || rr->v == VD_SKIPPED)
    return O_SKIPPED;
  if (rr->v == VD_FAIL || rr->v == VD_ERROR)
    return O_FAILURE;
  if (rr->v == VD_UNKNOWN)
    return w->unknown == UNKNOWN_FAIL   ? O_FAILURE
           : w->unknown == UNKNOWN_WARN ? O_PASS
                                        : O_SKIPPED;
  return O_PASS;
}

/* An attribute. An XML parser turns a line break or a tab written as
 * such in an attribute into a space (attribute-value normalisation), so
 * they are written as character references, and a vendor name or
 * message keeps them. */
static void attr(sbuf *b, const char *name, const char *text) {
  sb_printf(b, " %s=\"", name);
  for (const char *s = text; s && *s;) {
    size_t n = strcspn(s, "\n\t\r");
    out_xml_span(b, s, n);
    s += n;
    if (*s)
      sb_printf(b, "&#%d;", *s++);
  }
  sb_putc(b, '"');
}

/* What a failure says: the reason, the missing facts, the message. */
static void failure_text(const report *r, const vendor_result *vr,
                         uint32_t i, sbuf *b) {
  const rule_result *rr = &vr->rules[i];
  uint32_t n;
  out_xml(b, rr->reason);
  out_xml(b, report_message(r, vr, i));
  fact_ref *f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], b)) {
      sb_puts(b, "\nmissing: ");
      out_xml(b, f[k].path);
      sb_puts(b, f[k].withheld ? " (withheld)" : "");
    }
  const char *res = render_residual(r, vr, i, b);
  if (res) {
    sb_puts(b, "\npasses if: ");
    out_xml(b, res);
  }
  if (rr->waiver && rr->waiver_expired) {
    sb_puts(b, "\nexpired waiver: ");
    out_xml(b, rr->waiver->justification);
    sb_puts(b, ", expired ");
    out_xml(b, rr->waiver->expires);
  }
}

static void skipped(const rule *ru, const rule_result *rr, sbuf *b) {
  sbuf t;
  sb_init(&t, &b->m);
  if (rule_waived(rr))
    sb_printf(&t, "WAIVED (%s): %s", verdict_name(rr->v),
              rr->waiver->justification ? rr->waiver->justification : "");
  else if (rr->v == VD_SKIPPED && rr->unchecked)
    sb_puts(&t, "not checked");
  else if (rr->v == VD_SKIPPED)
    sb_printf(&t, "when is false: %s",
              ru->when_text ? ru->when_text : "(when)");
  else
    sb_puts(&t, "UNKNOWN (--unknown=ignore)");
  sb_puts(b, "      <skipped");
  attr(b, "message", t.p);
  sb_puts(b, "/>\n");
  b->oom |= t.oom;
  sb_free(&t);
}

static void testcase(const renderer *w, const report *r,
                     const vendor_result *vr, uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  outcome o = outcome_of(w, rr);
  sb_puts(b, "    <testcase");
  attr(b, "name", ru->id);
  attr(b, "classname", vr->name);
  sb_puts(b, o == O_PASS && rr->v == VD_PASS ? "/>\n" : ">\n");
  if (o == O_PASS && rr->v == VD_PASS)
    return;
  if (o == O_FAILURE) {
    sb_puts(b, "      <failure");
    attr(b, "type", verdict_name(rr->v));
    attr(b, "message", ru->title);
    sb_putc(b, '>');
    failure_text(r, vr, i, b);
    sb_puts(b, "</failure>\n");
  } else if (o == O_SKIPPED) {
    skipped(ru, rr, b);
  } else {
    sb_puts(b, "      <system-out>warning: UNKNOWN (--unknown=warn)");
    failure_text(r, vr, i, b);
    sb_puts(b, "</system-out>\n");
  }
  sb_puts(b, "    </testcase>\n");
}

static void junit_chunk(const renderer *w, const report *r, uint32_t j,
                        sbuf *b) {
  const vendor_result *vr = &r->vendors[j];
  uint32_t failures = 0, skips = 0;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    outcome o = outcome_of(w, &vr->rules[i]);
    failures += o == O_FAILURE;
    skips += o == O_SKIPPED;
  }
  sb_puts(b, "  <testsuite");
  attr(b, "name", vr->name);
  sb_printf(b, " tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n",
            r->pol->nrules, failures, skips);
  sb_puts(b, "    <properties>\n      <property name=\"source\"");
  attr(b, "value", vr->source);
  sb_printf(b, "/>\n      <property name=\"compliant\" value=\"%s\"/>\n"
               "    </properties>\n", vr->compliant ? "true" : "false");
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    testcase(w, r, vr, i, b);
  sb_puts(b, "  </testsuite>\n");
}

static void junit_begin(renderer *w, sbuf *b) {
  sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
  attr(b, "name", w->pol->title ? w->pol->title : w->pol->name);
  sb_puts(b, ">\n");
}

static void junit_error(renderer *w, const char *from, const char *msg,
                        sbuf *b) {
  POL_UNUSED(w);
  sb_puts(b, "  <testsuite");
  attr(b, "name", from);
  sb_puts(b, " tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
             "    <testcase name=\"input\"");
  attr(b, "classname", from);
  sb_puts(b, ">\n      <error type=\"input\"");
  attr(b, "message", msg);
  sb_puts(b, "/>\n    </testcase>\n  </testsuite>\n");
}

static void property(void *user, const char *key, const char *text) {
  sbuf *b = user;
  sb_puts(b, "      <property");
  attr(b, "name", key);
  attr(b, "value", text);
  sb_puts(b, "/>\n");
}

static void junit_end(renderer *w, sbuf *b) {
  sb_puts(b, "  <testsuite name=\"policyc stamp\" tests=\"0\" failures=\"0\""
             " errors=\"0\" skipped=\"0\">\n    <properties>\n");
  stamp_each(w, property, b);
  sb_puts(b, "    </properties>\n  </testsuite>\n</testsuites>\n");
}

const render_ops render_junit_ops = {"junit",     0,         junit_begin,
                                     junit_chunk, render_place_as_is,
                                     junit_error, junit_end, NULL};
