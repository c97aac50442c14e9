/*
 * render_tap.c: --format tap, the Test Anything Protocol (version 13) for
 * CI (render.h). One test point per vendor x rule, "VENDOR: RULE_ID
 * TITLE", written as each vendor comes; the plan "1..N" at the end, which
 * TAP allows, since the number of vendors of a stream is known only
 * then. Test points are not numbered (TAP makes numbers optional), so a
 * vendor's lines do not depend on the vendors before it.
 *
 *   PASS                   ok
 *   FAIL, ERROR            not ok, with a YAML block saying why
 *   UNKNOWN                not ok under --unknown=fail; else not ok # TODO
 *   SKIPPED                ok # SKIP, naming the `when` that was false
 *   waived                 not ok # TODO waived: the justification
 *   an input not checked   not ok, with the reason (a bad record)
 *
 * A description is text from the policy and the fact set, and TAP reads
 * a "#" in it as the start of a directive: a vendor named "X # TODO"
 * would turn every failure into a TODO and a harness would pass the
 * run. So a "#" in a description is written "\#", and a backslash "\\",
 * as TAP 13 prescribes. The YAML block is a mapping, whose keys must be
 * unique: the missing facts are one sequence under "missing".
 */
#include <string.h>

#include "out.h"
#include "render.h"

/* [s] sanitised (out_text), "#" and backslash escaped for a description. */
static void description(sbuf *b, const char *s) {
  sbuf t;
  sb_init(&t, &b->m);
  out_text(&t, s);
  for (size_t i = 0; i < t.len; i++) {
    if (t.p[i] == '#' || t.p[i] == '\\')
      sb_putc(b, '\\');
    sb_putc(b, t.p[i]);
  }
  b->oom |= t.oom;
  sb_free(&t);
}

static void yaml_line(sbuf *b, const char *key, const char *text) {
  if (!text)
    return;
  sb_printf(b, "    %s: ", key);
  out_json_str(b, text); /* a JSON string is a YAML flow scalar */
  sb_putc(b, '\n');
}

/* The directive after the description, if any. */
static void directive(const renderer *w, const rule *ru,
                      const rule_result *rr, sbuf *b) {
  if (rule_waived(rr)) {
    sb_puts(b, " # TODO waived: ");
    out_text(b, rr->waiver->justification);
  } else if (rr->v == VD_SKIPPED && rr->unchecked) {
    sb_puts(b, " # SKIP not checked");
  } else if (rr->v == VD_SKIPPED) {
    sb_puts(b, " # SKIP when is false: ");
    out_text(b, ru->when_text ? ru->when_text : "(when)");
  } else if (rr->v == VD_UNKNOWN && w->unknown != UNKNOWN_FAIL) {
    sb_printf(b, " # TODO unknown (--unknown=%s)",
              unknown_mode_name(w->unknown));
  }
}

/* An expired waiver does not apply, and the report says so. */
static void expired_waiver(const rule_result *rr, sbuf *b) {
  if (!rr->waiver || !rr->waiver_expired)
    return;
  sbuf t;
  sb_init(&t, &b->m);
  sb_printf(&t, "expired %s: %s",
            rr->waiver->expires ? rr->waiver->expires : "",
            rr->waiver->justification ? rr->waiver->justification : "");
  yaml_line(b, "waiver", t.p);
  b->oom |= t.oom;
  sb_free(&t);
}

static void diagnostics(const report *r, const vendor_result *vr,
                        uint32_t i, sbuf *b) {
  const rule_result *rr = &vr->rules[i];
  uint32_t n;
  sb_puts(b, "  ---\n");
  yaml_line(b, "verdict", verdict_name(rr->v));
  yaml_line(b, "severity", severity_name(r->pol->rules[i].sev));
  yaml_line(b, "reason", rr->reason);
  yaml_line(b, "message", report_message(r, vr, i));
  fact_ref *f = report_refs(r, vr, i, true, &n);
  bool listed = false;
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], b)) {
      sb_puts(b, listed ? "      - " : "    missing:\n      - ");
      out_json_str(b, f[k].path);
      sb_putc(b, '\n');
      listed = true;
    }
  yaml_line(b, "residual", render_residual(r, vr, i, b));
  expired_waiver(rr, b);
  sb_puts(b, "  ...\n");
}

static void point(const renderer *w, const report *r,
                  const vendor_result *vr, uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  bool ok = rr->v == VD_PASS || rr->v == VD_SKIPPED;
  sb_puts(b, ok ? "ok - " : "not ok - ");
  description(b, vr->name);
  sb_puts(b, ": ");
  description(b, ru->id);
  if (strcmp(ru->title, ru->id) != 0) {
    sb_putc(b, ' ');
    description(b, ru->title);
  }
  directive(w, ru, rr, b);
  sb_putc(b, '\n');
  if (!ok)
    diagnostics(r, vr, i, b);
}

static void tap_begin(renderer *w, sbuf *b) {
  sb_puts(b, "TAP version 13\n# policy ");
  out_text(b, w->pol->title ? w->pol->title : w->pol->name);
  sb_putc(b, '\n');
}

static void tap_chunk(const renderer *w, const report *r, uint32_t j,
                      sbuf *b) {
  for (uint32_t i = 0; i < r->pol->nrules; i++)
    point(w, r, &r->vendors[j], i, b);
}

static void tap_error(renderer *w, const char *from, const char *msg,
                      sbuf *b) {
  POL_UNUSED(w);
  sb_puts(b, "not ok - ");
  description(b, from);
  sb_puts(b, ": input not checked\n  ---\n");
  yaml_line(b, "reason", msg);
  sb_puts(b, "  ...\n");
}

static void stamp_comment(void *user, const char *key, const char *text) {
  sbuf *b = user;
  sb_printf(b, "# stamp %s: ", key);
  out_text(b, text);
  sb_putc(b, '\n');
}

static void tap_end(renderer *w, sbuf *b) {
  stamp_each(w, stamp_comment, b);
  sb_printf(b, "1..%llu\n", /* a test point per input not checked, too */
            (unsigned long long)(w->nvendors * w->pol->nrules +
                                 w->nerrors));
}

const render_ops render_tap_ops = {"tap",     0,         tap_begin,
                                   tap_chunk, render_place_as_is,
                                   tap_error, tap_end,   NULL};
