/*
 * render_sarif.c: --format sarif, SARIF 2.1.0 for code-scanning tools
 * (render.h). One run; its tool.driver.rules are the policy's rules
 * (reportingDescriptor: id, name, shortDescription, help, properties with
 * severity and refs); one result per vendor x rule, written as each
 * vendor comes, pointing at the rule's place in the policy file
 * (physicalLocation: artifactLocation.uri, region.startLine and
 * startColumn). A result's kind and level:
 *
 *   PASS     kind "pass",           level "none"
 *   FAIL     kind "fail",           level "error" (must), "warning"
 *                                   (should), "note" (may)
 *   UNKNOWN  kind "open",           level "none" (SARIF: only "fail"
 *                                   results have another level)
 *   ERROR    kind "review",         level "none": the policy or the data
 *                                   needs a person
 *   SKIPPED  kind "notApplicable",  level "none"
 *
 * A waived result carries a suppression (kind "external", status
 * "accepted", the justification): SARIF's own way to say a result was
 * accepted. The stamp goes in run.properties.stamp.
 *
 * An input that could not be checked is not a result of any rule: it is
 * what SARIF calls a tool execution notification (run.invocations[0].
 * toolExecutionNotifications, level "error", at the place in the input
 * the message names), and the invocation's executionSuccessful is then
 * false, as policyc's exit status 3 says. SARIF 2.1.0 (Appendix I) tells
 * consumers that such a run's results "cannot be assumed to be
 * complete". The results stream, so the notifications are kept for the
 * end, where the invocation is written after them.
 */
#include <string.h>

#include "out.h"
#include "pol.h"
#include "render.h"

static const char *const kinds[] = {"pass", "fail", "open", "review",
                                    "notApplicable"};

static const char *level_of(const rule *ru, verdict v) {
  if (v != VD_FAIL)
    return "none";
  return ru->sev == SEV_MUST ? "error" : ru->sev == SEV_SHOULD ? "warning"
                                                               : "note";
}

static void key(sbuf *b, const char *k) {
  sb_putc(b, '"');
  sb_puts(b, k);
  sb_puts(b, "\":");
}

static void member(sbuf *b, const char *k, const char *s, bool comma) {
  if (comma)
    sb_putc(b, ',');
  key(b, k);
  out_json_str(b, s);
}

/* {"text": TEXT} */
static void message(sbuf *b, const char *k, const char *text) {
  sb_putc(b, ',');
  key(b, k);
  sb_putc(b, '{');
  member(b, "text", text, false);
  sb_putc(b, '}');
}

static void descriptor(sbuf *b, const rule *ru, uint32_t i) {
  sb_puts(b, i ? ",\n        {" : "\n        {");
  member(b, "id", ru->id, false);
  member(b, "name", ru->id, true);
  message(b, "shortDescription", ru->title);
  if (ru->ask)
    message(b, "help", ru->ask);
  sb_puts(b, ",\"properties\":{");
  member(b, "severity", severity_name(ru->sev), false);
  sb_puts(b, ",\"refs\":[");
  for (uint32_t k = 0; k < ru->nrefs; k++) {
    sb_puts(b, k ? "," : "");
    out_json_str(b, ru->refs[k]);
  }
  sb_puts(b, "]}}");
}

static void sarif_begin(renderer *w, sbuf *b) {
  const policy *p = w->pol;
  errors_init(w->state, &w->m);
  sb_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/"
             "sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n"
             "    {\n      \"tool\": {\"driver\": {\"name\": \"policyc\", "
             "\"version\": \"" POL_VERSION_STRING "\", \"rules\": [");
  for (uint32_t i = 0; i < p->nrules; i++)
    descriptor(b, &p->rules[i], i);
  /* policyc counts columns in code points; SARIF's default is UTF-16 */
  sb_puts(b, "]}},\n      \"columnKind\": \"unicodeCodePoints\",\n"
             "      \"results\": [");
}

/* "uri": the policy file [path] as a URI reference (RFC 3986), which
 * SARIF requires: every byte but the unreserved characters and "/" as
 * %XX, so a space, "%", "#" (a fragment) or a Japanese file name reaches
 * the consumer as the file it names. */
static void uri(sbuf *b, const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  key(b, "uri");
  sb_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)path; p && *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
      sb_putc(b, (char)*p);
    else
      sb_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
  sb_putc(b, '"');
}

static void location(sbuf *b, const rule *ru) {
  sb_puts(b, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{");
  uri(b, ru->file);
  sb_printf(b, "},\"region\":{\"startLine\":%u,\"startColumn\":%u}}}]",
            ru->line ? ru->line : 1, ru->col ? ru->col : 1);
}

/* The result's message: "VENDOR: VERDICT: title", and what it missed. */
static void result_text(const report *r, const vendor_result *vr,
                        uint32_t i, sbuf *t) {
  const rule_result *rr = &vr->rules[i];
  uint32_t n;
  sb_printf(t, "%s: %s%s: %s", vr->name, verdict_name(rr->v),
            rule_waived(rr) ? " (WAIVED)" : "", r->pol->rules[i].title);
  if (rr->reason)
    sb_printf(t, " (%s)", rr->reason);
  fact_ref *f = report_refs(r, vr, i, true, &n);
  for (uint32_t k = 0; k < n; k++)
    if (render_resolve(r, vr, &f[k], t))
      sb_printf(t, "%s%s%s", k ? ", " : "; missing: ", f[k].path,
                f[k].withheld ? " (withheld)" : "");
  const char *res = render_residual(r, vr, i, t);
  if (res)
    sb_printf(t, "; passes if %s", res);
}

static void suppression(sbuf *b, const rule_result *rr) {
  if (!rule_waived(rr))
    return;
  sb_puts(b, ",\"suppressions\":[{\"kind\":\"external\","
             "\"status\":\"accepted\"");
  member(b, "justification", rr->waiver->justification, true);
  sb_puts(b, ",\"properties\":{");
  member(b, "owner", rr->waiver->owner, false);
  member(b, "ticket", rr->waiver->ticket, true);
  member(b, "expires", rr->waiver->expires, true);
  sb_puts(b, "}}]");
}

static void result(const report *r, const vendor_result *vr, uint32_t i,
                   sbuf *b) {
  const rule *ru = &r->pol->rules[i];
  const rule_result *rr = &vr->rules[i];
  sbuf t;
  sb_init(&t, &b->m);
  result_text(r, vr, i, &t);
  sb_puts(b, "\n        {");
  member(b, "ruleId", ru->id, false);
  sb_printf(b, ",\"ruleIndex\":%u", i);
  member(b, "kind", kinds[rr->v], true);
  member(b, "level", level_of(ru, rr->v), true);
  message(b, "message", t.p ? t.p : "");
  location(b, ru);
  suppression(b, rr);
  sb_puts(b, ",\"properties\":{");
  member(b, "vendor", vr->name, false);
  member(b, "source", vr->source, true);
  member(b, "verdict", verdict_name(rr->v), true);
  member(b, "waiver", !rr->waiver ? NULL
                      : rr->waiver_expired ? "expired" : "active", true);
  sb_puts(b, "}}");
  b->oom |= t.oom;
  sb_free(&t);
}

static void sarif_chunk(const renderer *w, const report *r, uint32_t j,
                        sbuf *b) {
  POL_UNUSED(w);
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    result(r, &r->vendors[j], i, b);
    sb_putc(b, ',');
  }
}

/* Results are written each with a comma after it; place() puts the
 * comma of the one before in front instead, so the array stays valid. */
static void sarif_place(renderer *w, const report *r, uint32_t i,
                        const char *text, size_t len, sbuf *b) {
  POL_UNUSED(i);
  if (len && (w->nvendors > 0 && r->pol->nrules))
    sb_putc(b, ',');
  sb_put(b, text, len ? len - 1 : 0);
}

static void sarif_error(renderer *w, const char *from, const char *msg,
                        sbuf *b) {
  POL_UNUSED(b);
  errors_keep(w->state, w->nvendors, from, msg);
}

/* "locations": where in the input file the message of [e] points. */
static void error_location(sbuf *b, const input_error *e) {
  size_t n;
  unsigned line, col;
  if (!render_error_where(e->source, e->message, &n, &line, &col) ||
      e->source[0] == '<') /* <stdin> is no file a consumer can open */
    return;
  sbuf file;
  sb_init(&file, &b->m);
  sb_put(&file, e->source, n);
  sb_putc(&file, '\0');
  sb_puts(b, ",\"locations\":[{\"physicalLocation\":{"
             "\"artifactLocation\":{");
  uri(b, file.p);
  sb_putc(b, '}');
  if (line)
    sb_printf(b, ",\"region\":{\"startLine\":%u", line);
  if (line && col)
    sb_printf(b, ",\"startColumn\":%u", col);
  sb_puts(b, line ? "}}}]" : "}}]");
  b->oom |= file.oom;
  sb_free(&file);
}

/* The invocation: whether every input was checked, and a notification
 * per input that was not, in input order. */
static void invocation(const error_store *s, sbuf *b) {
  sb_printf(b, ",\n      \"invocations\": [{\"executionSuccessful\": %s, "
               "\"toolExecutionNotifications\": [",
            s->total ? "false" : "true");
  for (size_t k = 0; k < s->n; k++) {
    const input_error *e = &s->e[k];
    sb_puts(b, k ? ",\n        {" : "\n        {");
    member(b, "level", "error", false);
    message(b, "message", e->message);
    error_location(b, e);
    sb_puts(b, ",\"properties\":{");
    member(b, "source", e->source, false);
    sb_puts(b, "}}");
  }
  if (s->total > s->n) { /* one notification for the ones not kept */
    sbuf more;
    sb_init(&more, &b->m);
    render_word_count(&more, LANG_EN, W_NOT_CHECKED_MORE, s->total - s->n);
    sb_puts(b, ",\n        {");
    member(b, "level", "error", false);
    message(b, "message", more.p ? more.p : "");
    sb_puts(b, "}");
    b->oom |= more.oom;
    sb_free(&more);
  }
  sb_puts(b, s->n ? "\n      ]}]" : "]}]");
}

static void sarif_end(renderer *w, sbuf *b) {
  const error_store *s = w->state;
  b->oom |= s->oom;
  sb_puts(b, "\n      ]");
  invocation(s, b);
  sb_puts(b, ",\n      \"properties\": {\"stamp\": ");
  render_json_stamp(w, b);
  sb_puts(b, "}\n    }\n  ]\n}\n");
}

static void sarif_free(renderer *w) { errors_free(w->state); }

const render_ops render_sarif_ops = {
    "sarif",     sizeof(error_store), sarif_begin, sarif_chunk,
    sarif_place, sarif_error,         sarif_end,   sarif_free};
