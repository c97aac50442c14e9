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
 */
#include <string.h>

#include "out.h"
#include "render.h"

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
  } else if (rr->v == VD_SKIPPED) {
    sb_puts(b, " # SKIP when is false: ");
    out_text(b, ru->when_text ? ru->when_text : "(when)");
  } else if (rr->v == VD_UNKNOWN && w->unknown != UNKNOWN_FAIL) {
    sb_printf(b, " # TODO unknown (--unknown=%s)",
              unknown_mode_name(w->unknown));
  }
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
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], b))
      yaml_line(b, "missing", f[k].path);
  yaml_line(b, "residual", render_residual(r, vr, i, b));
  sb_puts(b, "  ...\n");
}

static void point(const renderer *w, const report *r,
                  const vendor_result *vr, uint32_t i, sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  bool ok = rr->v == VD_PASS || rr->v == VD_SKIPPED;
  sb_puts(b, ok ? "ok - " : "not ok - ");
  out_text(b, vr->name);
  sb_puts(b, ": ");
  out_text(b, ru->id);
  if (strcmp(ru->title, ru->id) != 0) {
    sb_putc(b, ' ');
    out_text(b, ru->title);
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
  sb_puts(b, "# input not checked: ");
  out_text(b, from);
  sb_puts(b, ": ");
  out_text(b, msg);
  sb_putc(b, '\n');
}

static void stamp_comment(void *user, const char *key, const char *text) {
  sbuf *b = user;
  sb_printf(b, "# stamp %s: ", key);
  out_text(b, text);
  sb_putc(b, '\n');
}

static void tap_end(renderer *w, sbuf *b) {
  stamp_each(w, stamp_comment, b);
  sb_printf(b, "1..%llu\n",
            (unsigned long long)(w->nvendors * w->pol->nrules));
}

const render_ops render_tap_ops = {"tap",     0,         tap_begin,
                                   tap_chunk, render_place_as_is,
                                   tap_error, tap_end,   NULL};
