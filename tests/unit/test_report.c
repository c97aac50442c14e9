/*
 * test_report.c: the report renderers (lib/render_*.c). Each test
 * builds a policy and a report by hand in an arena (no compiler: rendering
 * never runs code, so prog stays NULL), with Japanese titles and vendor
 * names, every verdict, withheld and not-disclosed facts, evidence and
 * messages, and checks: the exact JSON of a small report and that the
 * project's strict JSON reader accepts a large one; the per-rule text; the
 * alignment of the matrix by display width; colour only on request and no
 * vendor-supplied escape bytes ever; the compliance summary under each
 * --unknown mode; and question dedupe across rules.
 */
#include "harness.h"

#include <stdlib.h>

#include "json.h"
#include "render.h"
#include "report.h"
#include "sha256.h"

/* The formats, by the numbers these tests were written with. */
enum { REPORT_TEXT, REPORT_JSON, REPORT_QUESTIONS };
#define REPORT_COLOR RENDER_COLOR

static report R;
static policy P;
static sbuf OUT;

/* ---- building policies and reports ---- */

static void *zalloc(size_t n) {
  void *p = arena_zalloc(&R.a, n);
  assert_non_null(p);
  return p;
}

static rule *add_rule(const char *id, const char *title, severity sev) {
  assert_true(P.nrules < 32);
  rule *ru = &P.rules[P.nrules++];
  ru->id = id;
  ru->title = title ? title : id;
  ru->sev = sev;
  ru->when = -1;
  ru->file = P.file ? P.file : "procurement.pol"; /* the policy's own */
  ru->line = P.nrules;
  ru->col = 1;
  return ru;
}

static void set_refs(rule *ru, const char *a, const char *b) {
  ru->refs = zalloc(2 * sizeof *ru->refs);
  ru->refs[ru->nrefs++] = a;
  if (b)
    ru->refs[ru->nrefs++] = b;
}

/* A vendor with every rule PASS and no facts; fill in, then finish(). */
static vendor_result *add_vendor(const char *name, const char *src) {
  assert_true(R.nvendors < R.cap);
  vendor_result *vr = &R.vendors[R.nvendors++];
  memset(vr, 0, sizeof *vr);
  vr->name = name;
  vr->source = src;
  vr->rules = zalloc(P.nrules * sizeof *vr->rules);
  return vr;
}

/* Facts built by hand are already resolved: path, evidence and value
 * are set, as report_detach leaves them (no fact set behind them). */
enum { REFS_PER_RULE = 8 };

static fact_ref *ref_slot(rule_result *rr, bool missing) {
  if (rr->nused + rr->nmissing == 0) { /* the rule's window of refs */
    assert_true(R.nrefs + REFS_PER_RULE <= R.cap_refs);
    rr->refs = (uint32_t)R.nrefs;
    R.nrefs += REFS_PER_RULE;
  }
  assert_true(rr->nused + rr->nmissing < REFS_PER_RULE);
  fact_ref *base = R.refs + rr->refs;
  if (missing)
    return &base[rr->nused + rr->nmissing++];
  memmove(base + rr->nused + 1, base + rr->nused,
          rr->nmissing * sizeof *base); /* the reads come first */
  return &base[rr->nused++];
}

static const str *cite(const char *ev) {
  return ev ? val_cstring(&R.a, ev).as.s : NULL;
}

static void use(rule_result *rr, const char *path, val v, const char *ev) {
  fact_ref *f = ref_slot(rr, false);
  memset(f, 0, sizeof *f);
  *f = (fact_ref){.kind = FR_READ, .path = path, .evidence = cite(ev),
                  .ev_len = (uint32_t)strlen(path), .resolved = true,
                  .detached = true, .value = v};
}

static void miss(rule_result *rr, const char *path, bool withheld,
                 const char *ev) {
  fact_ref *f = ref_slot(rr, true);
  memset(f, 0, sizeof *f);
  *f = (fact_ref){.kind = FR_MISSING, .path = path, .evidence = cite(ev),
                  .ev_len = (uint32_t)strlen(path), .withheld = withheld,
                  .resolved = true};
  rr->v = VD_UNKNOWN;
}

/* The width the text renderer fits (a terminal's): 120 unless a test
 * says otherwise; 0 is piped output, no limit. */
static unsigned WIDTH;

/* Render R whole in [format], as pol_report_render does; the questions
 * in Japanese (questions_in_english tests the other language). */
static void report_render(const report *r, int format, int flags,
                          sbuf *out) {
  static const char *const names[] = {"text", "json", "questions"};
  renderer w;
  sbuf tmp;
  sb_init(&tmp, NULL);
  assert_true(render_init(&w, render_find(names[format]), r->pol,
                          r->unknown, flags));
  if (format == 2)
    w.lang = LANG_JA;
  w.width = WIDTH;
  render_begin(&w, out);
  for (uint32_t i = 0; i < r->nvendors; i++)
    render_vendor(&w, r, i, &tmp, out);
  render_end(&w, out);
  render_free(&w);
  sb_free(&tmp);
}

/* Counts and compliance, as report_check fills them (docs/policies.md). */
static void finish(vendor_result *vr) {
  memset(vr->count, 0, sizeof vr->count);
  vr->compliant = true;
  for (uint32_t i = 0; i < P.nrules; i++) {
    verdict v = vr->rules[i].v;
    vr->count[v][P.rules[i].sev]++;
    if (P.rules[i].sev != SEV_MUST)
      continue;
    if (v == VD_FAIL || v == VD_ERROR ||
        (v == VD_UNKNOWN && R.unknown == UNKNOWN_FAIL))
      vr->compliant = false;
  }
}

static void finish_all(void) {
  for (uint32_t j = 0; j < R.nvendors; j++)
    finish(&R.vendors[j]);
}

static val list2(val a, val b) {
  val items[2] = {a, b};
  return val_list(&R.a, items, 2);
}

static val cs(const char *s) { return val_cstring(&R.a, s); }

static int setup(void **state) {
  (void)state;
  memset(&R, 0, sizeof R);
  memset(&P, 0, sizeof P);
  WIDTH = 120;
  arena_init(&R.a, 0, NULL);
  arena_init(&P.a, 0, NULL);
  R.pol = &P;
  R.unknown = UNKNOWN_FAIL;
  R.cap = 8;
  R.vendors = zalloc(R.cap * sizeof *R.vendors);
  R.cap_refs = 8 * 32 * REFS_PER_RULE;
  R.refs = zalloc(R.cap_refs * sizeof *R.refs);
  P.rules = zalloc(32 * sizeof *P.rules);
  sb_init(&OUT, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  report_residual_free(&R);
  if (R.vocab) /* what report_free would free: questions compile it */
    policy_free(R.vocab);
  sb_free(&OUT);
  arena_free(&R.a);
  arena_free(&P.a);
  return 0;
}

static const char LONG_TITLE[] =
    "クラウドサービス事業者は、利用者のデータを契約終了後に速やかに、かつ"
    "復元不可能な方法で消去し、その証明書を発行すること";
static const char ASK_MFA[] =
    "多要素認証（MFA）の提供有無と、その方式をご教示ください。";

/* The procurement policy the text and question tests share. */
static void procurement_policy(void) {
  static fact_decl facts[2] = {
      {.path = "incident.security_notice_hours",
       .desc = "セキュリティインシデントの通知期限（時間）"},
      {.path = "log.vendor.retention_days",
       .desc = "事業者保持ログの保存期間 / Retention of the vendor's own logs"},
  };
  P.name = "cloud-procurement";
  P.title = "クラウドサービス調達基準";
  P.version = "2026.1";
  P.file = "procurement.pol";
  P.facts = facts;
  P.nfacts = 2;
  rule *ru = add_rule("backup_generations",
                      "バックアップを7世代以上保管すること", SEV_MUST);
  set_refs(ru, "METI-2013 12.3", "ISO27017 CLD.12.3.1");
  add_rule("data_region", "顧客データを国内（日本）に保管すること", SEV_MUST);
  add_rule("incident_notice",
           "セキュリティインシデントを72時間以内に通知すること", SEV_MUST);
  add_rule("log_retention", "運用ログを1年以上保存すること", SEV_SHOULD);
  add_rule("tls_version", "TLS 1.2以上で通信を暗号化すること", SEV_MAY);
  add_rule("sso", "SAML によるシングルサインオンに対応すること", SEV_SHOULD);
  add_rule("mfa", "多要素認証を提供すること", SEV_SHOULD)->ask = ASK_MFA;
  add_rule("mfa_admin", "管理者に多要素認証を必須とすること", SEV_SHOULD)
      ->ask = ASK_MFA;
  add_rule("rule_9", NULL, SEV_MUST);
  add_rule("very_long_rule_identifier_for_truncation", LONG_TITLE,
           SEV_SHOULD);
}

/* Vendor A: every verdict, withheld and not-disclosed facts, evidence. */
static void vendor_a(void) {
  vendor_result *a = add_vendor("株式会社テストクラウド", "vendors/a.json");
  a->service = "テストクラウド";
  a->document = "セキュリティホワイトペーパー";
  a->version = "1.2";
  a->date = "2025-04-01";
  rule_result *rr = a->rules;
  use(&rr[0], "backup.generations", val_int(7),
      "3.2 バックアップ: 「7世代保管」");
  rr[0].message = "保管世代数は 7 世代";
  rr[1].v = VD_FAIL;
  use(&rr[1], "data.location.countries", list2(cs("JP"), cs("US")),
      "2.1: 「東京および米国のリージョン」");
  miss(&rr[2], "incident.security_notice_hours", true, "4.1: 「非開示」");
  miss(&rr[3], "log.vendor.retention_days", false, NULL);
  miss(&rr[3], "incident.security_notice_hours", true, "4.1: 「非開示」");
  rr[4].v = VD_ERROR;
  rr[4].reason = "procurement.pol:31:3: no matching overload for '>=' "
                 "applied to (string, int)";
  use(&rr[4], "encryption.in_transit.tls_min_version", cs("1.2"), NULL);
  rr[5].v = VD_SKIPPED;
  miss(&rr[6], "auth.mfa", false, NULL);
  miss(&rr[7], "auth.mfa_admin", false, NULL);
  use(&rr[8], "encryption.at_rest.enabled", val_bool(true), "5.1: 「AES-256」");
}

/* Vendor B: one should-rule FAIL, compliant. */
static void vendor_b(void) {
  vendor_result *b = add_vendor("ベンダーB", "vendors/b.json");
  b->rules[3].v = VD_FAIL;
}

/* Vendor C: a long name; must-rules UNKNOWN, nothing FAILs. */
static void vendor_c(void) {
  vendor_result *c = add_vendor("ExampleCloudServicesIncorporated",
                                "vendors/c.ndjson:3");
  miss(&c->rules[2], "incident.security_notice_hours", false, NULL);
  miss(&c->rules[8], "sso.saml", false, NULL);
}

static void three_vendors(void) {
  procurement_policy();
  vendor_a();
  vendor_b();
  vendor_c();
  finish_all();
}

/* Render into OUT (emptied first); returns its text. */
static const char *render(int format, int flags) {
  OUT.len = 0;
  OUT.p[0] = '\0';
  report_render(&R, format, flags, &OUT);
  assert_false(OUT.oom);
  assert_int_equal(strlen(OUT.p), OUT.len);
  return OUT.p;
}

/* Render vendor [j] alone. */
static const char *render_one(uint32_t j, int format, int flags) {
  report saved = R;
  R.vendors = &R.vendors[j];
  R.nvendors = 1;
  const char *s = render(format, flags);
  R.vendors = saved.vendors;
  R.nvendors = saved.nvendors;
  return s;
}

static size_t count_of(const char *s, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
    n++;
  return n;
}

/* The line of [s] that starts with [prefix] (static copy), or fail. */
static const char *line_starting(const char *s, const char *prefix) {
  static char line[1024];
  size_t plen = strlen(prefix);
  for (const char *p = s; *p; p = strchr(p, '\n') + 1) {
    const char *end = strchr(p, '\n');
    if (strncmp(p, prefix, plen) == 0) {
      size_t n = (size_t)(end - p);
      assert_true(n < sizeof line);
      memcpy(line, p, n);
      line[n] = '\0';
      return line;
    }
    if (!end)
      break;
  }
  fail_msg("no line starts with '%s' in:\n%s", prefix, s);
  return NULL;
}

/* ---- JSON ---- */

static void small_report(void) {
  P.name = "p";
  P.title = "調達基準";
  P.version = "1";
  P.file = "p.pol";
  set_refs(add_rule("r1", "世代数", SEV_MUST), "METI 1", NULL);
  add_rule("r2", NULL, SEV_SHOULD)->ask = "教えて\n下さい";
  vendor_result *v = add_vendor("株式会社A", "a.json");
  v->date = "2025-01-01";
  use(&v->rules[0], "x.list", list2(val_int(1), cs("a")), "1.2: 「7」");
  v->rules[0].message = "ok \"q\"\t\x01";
  miss(&v->rules[1], "y", true, "2: 「非開示」");
  miss(&v->rules[1], "z", false, NULL);
  finish_all();
}

static const char SMALL_JSON[] =
    "{\n"
    "  \"format\": 2,\n"
    "  \"policy\": {\n"
    "    \"name\": \"p\",\n"
    "    \"title\": \"調達基準\",\n"
    "    \"version\": \"1\",\n"
    "    \"file\": \"p.pol\",\n"
    "    \"rules\": [\n"
    "      {\"id\":\"r1\",\"title\":\"世代数\",\"severity\":\"must\",\"refs\":[\"METI 1\"]},\n"
    "      {\"id\":\"r2\",\"title\":\"r2\",\"severity\":\"should\",\"ask\":\"教えて\\n下さい\"}\n"
    "    ]\n"
    "  },\n"
    "  \"unknown\": \"fail\",\n"
    "  \"results\": [\n"
    "    {\n"
    "      \"vendor\": \"株式会社A\",\n"
    "      \"source\": \"a.json\",\n"
    "      \"service\": null,\n"
    "      \"document\": null,\n"
    "      \"version\": null,\n"
    "      \"date\": \"2025-01-01\",\n"
    "      \"compliant\": true,\n"
    "      \"summary\": {\"PASS\":1,\"FAIL\":0,\"UNKNOWN\":1,\"ERROR\":0,\"SKIPPED\":0},\n"
    "      \"rules\": [\n"
    "        {\"id\":\"r1\",\"verdict\":\"PASS\",\"facts\":[{\"path\":\"x.list\",\"value\":[1,\"a\"],\"evidence\":true}],\"message\":\"ok \\\"q\\\"\\t\\u0001\"},\n"
    "        {\"id\":\"r2\",\"verdict\":\"UNKNOWN\",\"missing\":[{\"path\":\"y\",\"withheld\":true,\"evidence\":true},{\"path\":\"z\"}]}\n"
    "      ],\n"
    "      \"evidence\": {\n"
    "        \"x.list\": \"1.2: 「7」\",\n"
    "        \"y\": \"2: 「非開示」\"\n"
    "      }\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void json_exact_small_report(void **state) {
  (void)state;
  small_report();
  const char *s = render(REPORT_JSON, 0);
  /* the stamp ends every report; compare what comes before it */
  const char *tail = strstr(s, ",\n  \"stamp\": {");
  assert_non_null(tail);
  size_t n = (size_t)(tail - s);
  if (strncmp(s, SMALL_JSON, n) != 0 || strcmp(SMALL_JSON + n, "\n}\n"))
    fail_msg("got:\n%s", s);
}

static const val *member(val obj, const char *key) {
  assert_int_equal(obj.kind, V_MAP);
  const val *v = map_get(obj.as.m, cs(key));
  if (!v)
    fail_msg("no member '%s'", key);
  return v;
}

/* A rule object of a result has id and verdict, then only documented
 * keys, in the documented order (docs/report-format.md). */
static void check_rule_keys(val rule_obj) {
  static const char *const keys[] = {"id",            "verdict", "facts",
                                     "facts_omitted", "missing", "message",
                                     "reason"};
  const map *m = rule_obj.as.m;
  assert_true(m->n >= 2);
  assert_string_equal(m->keys[0].as.s->data, "id");
  assert_string_equal(m->keys[1].as.s->data, "verdict");
  size_t k = 2;
  for (uint32_t i = 2; i < m->n; i++) {
    while (k < POL_COUNTOF(keys) && strcmp(keys[k], m->keys[i].as.s->data))
      k++;
    if (k++ == POL_COUNTOF(keys))
      fail_msg("unexpected or misplaced key '%s'", m->keys[i].as.s->data);
  }
}

/* How many of the missing facts of [rule_obj] are withheld. */
static size_t withheld_count(val rule_obj) {
  val miss = *member(rule_obj, "missing");
  size_t n = 0;
  for (uint32_t i = 0; i < miss.as.l->n; i++) {
    const val *w = map_get(miss.as.l->items[i].as.m, cs("withheld"));
    n += w && w->kind == V_BOOL && w->as.b;
  }
  return n;
}

static void json_full_report_parses(void **state) {
  (void)state;
  three_vendors();
  R.vendors[1].name = "quote\" back\\ ctl\x1b nl\n";
  const char *s = render(REPORT_JSON, 0);
  val doc;
  json_error e;
  if (!json_parse(&R.a, s, strlen(s), &doc, &e))
    fail_msg("%u:%u: %s in:\n%s", e.line, e.col, e.msg, s);
  val results = *member(doc, "results");
  assert_int_equal(results.kind, V_LIST);
  assert_int_equal(results.as.l->n, 3);
  val b = results.as.l->items[1];
  assert_string_equal(member(b, "vendor")->as.s->data,
                      "quote\" back\\ ctl\x1b nl\n");
  val a = results.as.l->items[0];
  assert_false(member(a, "compliant")->as.b);
  assert_true(member(b, "compliant")->as.b);
  val rules = *member(a, "rules");
  assert_int_equal(rules.as.l->n, P.nrules);
  static const char *const want[] = {"PASS",    "FAIL",    "UNKNOWN",
                                     "UNKNOWN", "ERROR",   "SKIPPED",
                                     "UNKNOWN", "UNKNOWN", "PASS", "PASS"};
  for (uint32_t i = 0; i < P.nrules; i++) {
    check_rule_keys(rules.as.l->items[i]);
    assert_string_equal(member(rules.as.l->items[i], "verdict")->as.s->data,
                        want[i]);
  }
  val countries = *member(member(rules.as.l->items[1], "facts")->as.l->items[0],
                          "value");
  assert_true(val_equal(countries, list2(cs("JP"), cs("US"))));
  assert_int_equal(withheld_count(rules.as.l->items[3]), 1);
  assert_int_equal(member(*member(a, "summary"), "UNKNOWN")->as.i, 4);
}

/* Vendor [j]'s chunk in [format] ("json", "ndjson"): with begin() first
 * (the renderer's pre-rendered fragments) or not (each vendor renders
 * every piece itself). */
static char *chunk_text(const char *format, uint32_t j, bool begun) {
  renderer w;
  sbuf out;
  sb_init(&out, NULL);
  assert_true(render_init(&w, render_find(format), R.pol, R.unknown, 0));
  if (begun)
    render_begin(&w, &out);
  sb_reset(&out);
  render_chunk(&w, &R, j, &out);
  assert_false(out.oom);
  render_free(&w);
  char *s = strdup(out.p);
  sb_free(&out);
  return s;
}

static void json_fragments_same_as_slow_path(void **state) {
  (void)state;
  three_vendors();
  P.rules[9].id = "odd\"id\x1b\xe2\x80\xae"; /* escaped, both ways */
  static const char *const formats[] = {"json", "ndjson"};
  for (size_t f = 0; f < 2; f++)
    for (uint32_t j = 0; j < R.nvendors; j++) {
      char *fast = chunk_text(formats[f], j, true);
      char *slow = chunk_text(formats[f], j, false);
      assert_string_equal(fast, slow);
      assert_non_null(strstr(fast, "\"id\":\"odd\\\"id\\u001b\\u202e\""));
      free(fast);
      free(slow);
    }
}

/* render_vendor writes an NDJSON chunk straight into the output
 * (render.c): the same bytes as chunk() into scratch, then place(). */
static void ndjson_vendor_without_copy(void **state) {
  (void)state;
  three_vendors();
  renderer w;
  sbuf direct, tmp, placed;
  sb_init(&direct, NULL);
  sb_init(&tmp, NULL);
  sb_init(&placed, NULL);
  assert_true(render_init(&w, render_find("ndjson"), R.pol, R.unknown, 0));
  render_begin(&w, &direct); /* NDJSON writes nothing before a vendor */
  for (uint32_t j = 0; j < R.nvendors; j++) {
    render_vendor(&w, &R, j, &tmp, &direct);
    sb_reset(&tmp);
    render_chunk(&w, &R, j, &tmp);
    render_place(&w, &R, j, tmp.p, tmp.len, &placed);
  }
  assert_int_equal(w.nvendors, 2 * R.nvendors);
  assert_false(direct.oom || placed.oom);
  assert_string_equal(direct.p, placed.p);
  assert_int_equal(count_of(direct.p, "\n"), R.nvendors);
  render_free(&w);
  sb_free(&direct);
  sb_free(&tmp);
  sb_free(&placed);
}

static void json_without_vendors(void **state) {
  (void)state;
  P.name = "empty";
  const char *s = render(REPORT_JSON, 0);
  assert_non_null(strstr(s, "\"title\": null"));
  assert_non_null(strstr(s, "\"results\": [],\n  \"stamp\": {"));
}

/* ---- text: one vendor ---- */

#define IND "                 " /* the indent of a rule's detail lines */

static void text_single_vendor(void **state) {
  (void)state;
  three_vendors();
  const char *s = render_one(0, REPORT_TEXT, 0);
  line_starting(s, "Policy       クラウドサービス調達基準 (cloud-procurement, "
                   "version 2026.1)");
  line_starting(s, "Vendor       株式会社テストクラウド");
  line_starting(s, "Document     セキュリティホワイトペーパー (version 1.2, "
                   "2025-04-01)");
  line_starting(s, "Source       vendors/a.json");
  line_starting(s, "PASS     must    backup_generations");
  line_starting(s, IND "refs: METI-2013 12.3, ISO27017 CLD.12.3.1");
  line_starting(s, IND "backup.generations = 7");
  line_starting(s, IND "  evidence: 3.2 バックアップ: 「7世代保管」");
  line_starting(s, IND "message: 保管世代数は 7 世代");
  line_starting(s, IND "data.location.countries = [\"JP\", \"US\"]");
  line_starting(s, IND "missing: incident.security_notice_hours "
                   "(withheld / 非開示)");
  line_starting(s, IND "missing: log.vendor.retention_days "
                   "(not disclosed / 記載なし)");
  line_starting(s, IND "reason: procurement.pol:31:3: no matching");
  line_starting(s, "SKIPPED  should  sso");
  line_starting(s, "ERROR    may     tls_version");
  /* An anonymous rule's title is its id: not repeated, no padding. */
  assert_string_equal(line_starting(s, "PASS     must    rule_9"),
                      "PASS     must    rule_9");
  /* A long id is cut by display width with an ellipsis. */
  line_starting(s, "PASS     should  very_long_rule_identifier_f… ");
  /* The title, the last column, is never cut: at a width it wraps under
   * itself (47 + 73 columns fit 120), piped it stays whole. */
  const char *head = line_starting(s, "PASS     should  very_long");
  assert_int_equal(utf8_width(head, strlen(head)), 119); /* 2 would pass */
  line_starting(s, "                                               "
                   "不可能な方法で消去し、その証明書を発行すること");
  WIDTH = 0;
  s = render_one(0, REPORT_TEXT, 0);
  assert_non_null(strstr(s, LONG_TITLE));
}

/* At a narrow width every line of the block fits, a title goes on under
 * the id column when too little is left beside it, and values and
 * evidence hang under themselves. */
static void text_single_wraps(void **state) {
  (void)state;
  three_vendors();
  WIDTH = 60;
  const char *s = render_one(0, REPORT_TEXT, 0);
  line_starting(s, "PASS     should  very_long_rule_identifier_f…  "
                   "クラウドサー\n");
  line_starting(s, IND "ビス事業者は、利用者のデータを契約終了後に\n");
  line_starting(s, IND "  evidence: 2.1: 「東京および米国のリージョ\n"
                   "                             ン」\n");
  for (const char *p = s, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
    if (strncmp(p, "  policy ", 9) && strncmp(p, "  facts ", 8))
      assert_true(utf8_width(p, (size_t)(nl - p)) <= 60);
}

/* In the rule head lines, every title starts in the same display column. */
static void text_single_titles_line_up(void **state) {
  (void)state;
  three_vendors();
  WIDTH = 0; /* the long title whole */
  const char *s = render_one(0, REPORT_TEXT, 0);
  size_t col = 0, heads = 0;
  for (uint32_t i = 0; i < P.nrules; i++) {
    const rule *ru = &P.rules[i];
    if (strcmp(ru->id, ru->title) == 0)
      continue;
    const char *t = strstr(s, ru->title);
    assert_non_null(t);
    const char *start = t;
    while (start > s && start[-1] != '\n')
      start--;
    size_t c = utf8_width(start, (size_t)(t - start));
    if (heads++ && c != col)
      fail_msg("title of %s at column %zu, not %zu", ru->id, c, col);
    col = c;
  }
  assert_int_equal(heads, P.nrules - 1);
  assert_int_equal(col, 7 + 2 + 6 + 2 + 28 + 2);
}

static void text_summary_counts(void **state) {
  (void)state;
  three_vendors();
  const char *s = render_one(0, REPORT_TEXT, 0);
  assert_string_equal(line_starting(s, "Summary"),
                      "Summary    PASS  FAIL  UNKNOWN  ERROR  SKIPPED  total");
  assert_string_equal(line_starting(s, "  must "),
                      "  must        2     1        1      0        0      4");
  assert_string_equal(line_starting(s, "  should"),
                      "  should      1     0        3      0        1      5");
  assert_string_equal(line_starting(s, "  total"),
                      "  total       3     1        4      1        1     10");
}

/* ---- compliance under each --unknown mode ---- */

static const char *result_of(uint32_t j, unknown_mode m) {
  R.unknown = m;
  finish_all();
  return render_one(j, REPORT_TEXT, 0);
}

static void summary_unknown_fail(void **state) {
  (void)state;
  three_vendors();
  const char *s = result_of(2, UNKNOWN_FAIL);
  assert_string_equal(line_starting(s, "Result:"), "Result: NOT COMPLIANT");
  assert_string_equal(
      line_starting(s, "  unknown must-rules"),
      "  unknown must-rules (--unknown=fail, not compliant): "
      "incident_notice, rule_9");
  assert_null(strstr(s, "failed must-rules"));
  assert_null(strstr(s, "warning"));
  s = result_of(0, UNKNOWN_FAIL);
  assert_string_equal(line_starting(s, "Result:"), "Result: NOT COMPLIANT");
  assert_string_equal(line_starting(s, "  failed must-rules:"),
                      "  failed must-rules: data_region");
  assert_string_equal(line_starting(s, "  unknown must-rules"),
                      "  unknown must-rules (--unknown=fail, not compliant): "
                      "incident_notice");
}

static void summary_unknown_warn(void **state) {
  (void)state;
  three_vendors();
  const char *s = result_of(2, UNKNOWN_WARN);
  assert_string_equal(line_starting(s, "Result:"), "Result: COMPLIANT");
  assert_string_equal(line_starting(s, "  warning:"),
                      "  warning: unknown must-rules (--unknown=warn): "
                      "incident_notice, rule_9");
  s = result_of(0, UNKNOWN_WARN);
  assert_string_equal(line_starting(s, "Result:"), "Result: NOT COMPLIANT");
  line_starting(s, "  failed must-rules: data_region");
  line_starting(s, "  warning: unknown must-rules (--unknown=warn): "
                   "incident_notice");
}

static void summary_unknown_ignore(void **state) {
  (void)state;
  three_vendors();
  const char *s = result_of(2, UNKNOWN_IGNORE);
  assert_string_equal(line_starting(s, "Result:"), "Result: COMPLIANT");
  assert_null(strstr(s, "unknown must-rules"));
  s = result_of(1, UNKNOWN_IGNORE); /* a should-rule FAIL: still compliant */
  assert_string_equal(line_starting(s, "Result:"), "Result: COMPLIANT");
  assert_null(strstr(s, "failed must-rules"));
  s = render(REPORT_JSON, 0);
  assert_int_equal(count_of(s, "\"compliant\": true"), 2);
  assert_non_null(strstr(s, "\"unknown\": \"ignore\""));
}

/* A long list of failed must-rules wraps before column 100, or the
 * width when there is one. */
static void result_lists_wrap(void **state) {
  (void)state;
  static char ids[30][32];
  P.name = "many";
  for (unsigned i = 0; i < 30; i++) {
    snprintf(ids[i], sizeof ids[i], "requirement_number_%02u", i);
    add_rule(ids[i], NULL, SEV_MUST);
  }
  vendor_result *v = add_vendor("ベンダー", "v.json");
  for (uint32_t i = 0; i < P.nrules; i++)
    v->rules[i].v = VD_FAIL;
  finish_all();
  static const unsigned widths[] = {0, 60};
  for (int k = 0; k < 2; k++) {
    size_t edge = widths[k] ? widths[k] : 99, lines = 0;
    WIDTH = widths[k];
    const char *s = render(REPORT_TEXT, 0);
    const char *p = strstr(s, "  failed must-rules: requirement_number_00,");
    assert_non_null(p);
    for (const char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
      if (!strncmp(p, "Stamp", 5))
        break;
      assert_true(utf8_width(p, (size_t)(nl - p)) <= edge);
      lines++;
    }
    assert_true(lines >= (widths[k] ? 13 : 8));
    assert_int_equal(count_of(s, "requirement_number_29"), 2);
  }
}

/* ---- text: the matrix ---- */

/* The display column where token [k] counted from the end of [line]
 * starts (tokens are separated by spaces). */
static size_t token_col_from_end(const char *line, size_t n, int k) {
  size_t i = n;
  for (;;) {
    while (i > 0 && line[i - 1] == ' ')
      i--;
    while (i > 0 && line[i - 1] != ' ')
      i--;
    if (k-- == 0)
      return utf8_width(line, i);
    assert_true(i > 0);
  }
}

/* The lines of the matrix: from the "rule" head to the "compliant" row. */
static void matrix_lines(const char *s, const char *lines[], size_t lens[],
                         size_t *n) {
  const char *p = strstr(s, "\nrule ");
  assert_non_null(p);
  *n = 0;
  for (p++; *p; p = strchr(p, '\n') + 1) {
    const char *end = strchr(p, '\n');
    lines[*n] = p;
    lens[(*n)++] = (size_t)(end - p);
    if (strncmp(p, "compliant", 9) == 0)
      return;
  }
  fail_msg("no compliant row");
}

/* Every vendor column of the matrix in [s] ([nv] vendors) starts at the
 * same display column on every line, the cell before each is followed by
 * the two-space gap, and no line is wider than 120 columns. The head line
 * is skipped when [heads_have_spaces] (numbered heads: "1 name"). */
static void assert_matrix_aligned(const char *s, int nv,
                                  bool heads_have_spaces) {
  const char *lines[32];
  size_t lens[32], n, first[16];
  matrix_lines(s, lines, lens, &n);
  assert_int_equal(n, 1 + 1 + P.nrules + 1 + 1);
  for (int k = 0; k < nv; k++) /* the dashes under the heads */
    first[k] = token_col_from_end(lines[1], lens[1], k);
  for (size_t l = heads_have_spaces; l < n; l++) {
    for (int k = 0; k < nv; k++) {
      size_t c = token_col_from_end(lines[l], lens[l], k), i = 0, w = 0;
      if (c != first[k])
        fail_msg("line %zu, vendor column %d at %zu, not %zu: %.*s", l,
                 nv - 1 - k, c, first[k], (int)lens[l], lines[l]);
      while (w < c)
        w += (size_t)utf8_cp_width(
            (uint32_t)utf8_decode(lines[l], lens[l], &i));
      assert_int_equal(w, c); /* no wide character straddles the start */
      if (l + 1 < n) /* the compliant row's left cells are blank */
        assert_memory_equal(lines[l] + i - 2, "  ", 2);
    }
    assert_true(utf8_width(lines[l], lens[l]) <= 120);
  }
}

static void matrix_aligns_japanese(void **state) {
  (void)state;
  three_vendors();
  assert_matrix_aligned(render(REPORT_TEXT, 0), 3, false);
  /* Colour changes no column: strip the escapes and compare. */
  char *plain = strdup(render(REPORT_TEXT, 0));
  const char *col = render(REPORT_TEXT, REPORT_COLOR);
  sbuf stripped;
  sb_init(&stripped, NULL);
  for (const char *p = col; *p; p++) {
    if (*p == '\x1b')
      p = strchr(p, 'm');
    else
      sb_putc(&stripped, *p);
  }
  assert_string_equal(stripped.p, plain);
  sb_free(&stripped);
  free(plain);
}

/* Seven vendors: the vendor columns narrow to VERDICT_W so the matrix
 * still fits in 120 columns; legal forms are left out of the heads, and
 * since two heads would then read the same, they get numbers. */
static void matrix_many_vendors(void **state) {
  (void)state;
  static const char *const names[] = {
      "株式会社クラウドサービス一", "株式会社クラウドサービス二",
      "ＡＢＣクラウド株式会社", "D", "有限会社　五", "六", "七"};
  procurement_policy();
  for (int j = 0; j < 7; j++)
    add_vendor(names[j], NULL)->rules[j].v = (verdict)(j % 5);
  finish_all();
  const char *s = render(REPORT_TEXT, 0);
  assert_matrix_aligned(s, 7, true);
  const char *head = line_starting(s, "rule ");
  const char *tail = "  1 クラ…  2 クラ…  3 ＡＢ…  4 D      5 五     6 六     "
                     "7 七";
  assert_true(strlen(head) > strlen(tail));
  assert_string_equal(head + strlen(head) - strlen(tail), tail);
  line_starting(s, "  2  株式会社クラウドサービス二");
}

static void matrix_cuts_by_display_width(void **state) {
  (void)state;
  three_vendors();
  const char *s = render(REPORT_TEXT, 0);
  /* The long title and the long vendor name are cut with an ellipsis. */
  const char *row = line_starting(s, "very_long_rule_identifier_f… ");
  assert_non_null(strstr(row, "クラウドサービス事業者は"));
  assert_non_null(strstr(row, "…"));
  assert_null(strstr(row, "証明書"));
  const char *head = line_starting(s, "rule ");
  assert_non_null(strstr(head, "  テストクラウド  ベンダーB       "
                               "ExampleCloudS…"));
  assert_null(strstr(head, "株式会社"));
  /* The legend keeps the full names, in column order. */
  line_starting(s, "  1  株式会社テストクラウド — テストクラウド "
                   "(vendors/a.json)");
  line_starting(s, "  3  ExampleCloudServicesIncorporated "
                   "(vendors/c.ndjson:3)");
  const char *c = line_starting(s, "compliant");
  assert_true(strlen(c) > 2);
  assert_string_equal(c + strlen(c) - 2, "no");
}

/* Piped, with no width to fit, the matrix cuts nothing: whole titles
 * and whole (short) vendor names, still aligned. */
static void matrix_piped_cuts_nothing(void **state) {
  (void)state;
  three_vendors();
  WIDTH = 0;
  const char *s = render(REPORT_TEXT, 0);
  const char *row = line_starting(s, "very_long_rule_identifier_f… ");
  assert_non_null(strstr(row, "証明書"));
  assert_null(strstr(row + strlen("very_long_rule_identifier_f…"), "…"));
  const char *head = line_starting(s, "rule ");
  assert_non_null(strstr(head, "ExampleCloudServicesIncorporated"));
  assert_null(strstr(head, "株式会社"));
}

static void matrix_vendor_summary(void **state) {
  (void)state;
  three_vendors();
  const char *s = render(REPORT_TEXT, 0);
  line_starting(s, "PASS  FAIL  UNKNOWN  ERROR  SKIPPED  compliant  vendor\n"
                   "   3     1        4      1        1  no         "
                   "株式会社テストクラウド\n"
                   "   9     1        0      0        0  yes        ベンダーB\n"
                   "   8     0        2      0        0  no         "
                   "ExampleCloudServicesIncorporated\n");
  assert_string_equal(line_starting(s, "  株式会社テストクラウド:"),
                      "  株式会社テストクラウド: FAIL data_region; "
                      "UNKNOWN incident_notice");
  line_starting(s, "  ベンダーB: none");
  line_starting(s, "Unknown must-rules count against compliance "
                   "(--unknown=fail).");
  R.unknown = UNKNOWN_WARN;
  finish_all();
  s = render(REPORT_TEXT, 0);
  const char *row = line_starting(s, "compliant  ");
  const char *tail = "  no              yes             yes";
  assert_true(strlen(row) > strlen(tail));
  assert_string_equal(row + strlen(row) - strlen(tail), tail);
  line_starting(s, "  ExampleCloudServicesIncorporated: UNKNOWN (warning) "
                   "incident_notice, rule_9");
  line_starting(s, "Unknown must-rules are warnings: compliance ignores them "
                   "(--unknown=warn).");
}

/* ---- colour and escape bytes ---- */

static void no_escapes_without_color(void **state) {
  (void)state;
  three_vendors();
  /* Hostile vendor text: ESC, a C1 CSI, a right-to-left override. */
  R.vendors[0].name = "evil\x1b[2J\xc2\x9b" "31m\xe2\x80\xae" "name";
  R.vendors[0].rules[0].message = "bell\a\x1b]0;title\x07";
  R.refs[R.vendors[0].rules[3].refs + R.vendors[0].rules[3].nused]
      .evidence = cite("\x1b[31mred");
  for (int f = REPORT_TEXT; f <= REPORT_QUESTIONS; f++) {
    const char *s = render(f, 0);
    assert_null(strchr(s, '\x1b'));
    assert_null(strchr(s, '\a'));
    assert_null(strstr(s, "\xc2\x9b"));
    assert_null(strstr(s, "\xe2\x80\xae"));
    s = render_one(0, f, 0);
    assert_null(strchr(s, '\x1b'));
    assert_null(strstr(s, "\xc2\x9b"));
  }
  const char *s = render_one(0, REPORT_TEXT, 0);
  line_starting(s, "Vendor       evil\xef\xbf\xbd[2J\xef\xbf\xbd" "31m");
}

static void color_only_with_flag(void **state) {
  (void)state;
  three_vendors();
  const char *s = render_one(0, REPORT_TEXT, REPORT_COLOR);
  assert_non_null(strstr(s, "\x1b[32mPASS\x1b[0m   "));
  assert_non_null(strstr(s, "\x1b[31mFAIL\x1b[0m"));
  assert_non_null(strstr(s, "\x1b[33mUNKNOWN\x1b[0m"));
  assert_non_null(strstr(s, "\x1b[35mERROR\x1b[0m"));
  assert_non_null(strstr(s, "\x1b[2mSKIPPED\x1b[0m"));
  assert_non_null(strstr(s, "Result: \x1b[31mNOT COMPLIANT\x1b[0m"));
  s = render(REPORT_TEXT, REPORT_COLOR);
  assert_non_null(strstr(s, "\x1b[32myes\x1b[0m"));
  assert_non_null(strstr(s, "\x1b[33mUNKNOWN\x1b[0m"));
  /* JSON and questions never carry colour. */
  assert_null(strchr(render(REPORT_JSON, REPORT_COLOR), '\x1b'));
  assert_null(strchr(render(REPORT_QUESTIONS, REPORT_COLOR), '\x1b'));
}

/* ---- questions ---- */

static const char RECONSIDER[] =
    "当社の調達要件の確認に必要な情報です。開示について再度ご検討いただけ"
    "ますでしょうか。";

/* Hand-built reports have no fact set, so no residual: the questions
 * come from the missing facts, one per fact, asked once. */
static void questions_dedupe_across_rules(void **state) {
  (void)state;
  three_vendors();
  const char *s = render_one(0, REPORT_QUESTIONS, 0);
  line_starting(s, "■ 株式会社テストクラウド（テストクラウド）");
  line_starting(s, "  ファイル: vendors/a.json");
  line_starting(s, "  質問 3 件");
  /* incident.security_notice_hours: withheld, missed by two rules, the
   * most severe a must-rule: first. No question declared: a generic one
   * by the requirement's title, and the refusal quoted. */
  assert_string_equal(line_starting(s, "1. "),
                      "1. 「セキュリティインシデントを72時間以内に通知する"
                      "こと」の確認に必要な情報をご教示ください。");
  char note[512];
  snprintf(note, sizeof note, "   ※ 貴社資料では「非開示」（4.1）とされて"
           "おりますが、%s", RECONSIDER);
  line_starting(s, note);
  line_starting(s, "   対象要件: [必須] セキュリティインシデントを72時間以内"
                   "に通知すること; [推奨] 運用ログを1年以上保存すること");
  assert_string_equal(line_starting(s, "2. "),
                      "2. 「運用ログを1年以上保存すること」の確認に必要な"
                      "情報をご教示ください。");
  /* Two facts asked in the same words are one question (questions.c),
   * naming the rules of both. */
  assert_string_equal(line_starting(s, "3. "), "3. " "多要素認証（MFA）の提供"
                      "有無と、その方式をご教示ください。");
  line_starting(s, "   対象要件: [推奨] 多要素認証を提供すること; [推奨] "
                   "管理者に多要素認証を必須とすること");
  assert_null(strstr(s, "\n4. "));
  assert_null(strstr(s, "incident.security_notice_hours")); /* no paths */
  assert_null(strstr(s, "/ "));                              /* one language */
}

static void questions_in_english(void **state) {
  (void)state;
  three_vendors();
  renderer w;
  sbuf tmp;
  sb_init(&tmp, NULL);
  assert_true(render_init(&w, render_find("questions"), &P, R.unknown, 0));
  w.lang = LANG_EN;
  render_vendor(&w, &R, 0, &tmp, &OUT);
  render_end(&w, &OUT);
  render_free(&w);
  sb_free(&tmp);
  const char *s = OUT.p;
  line_starting(s, "  Source: vendors/a.json");
  line_starting(s, "  Questions: 4");
  assert_string_equal(line_starting(s, "1. "),
                      "1. Please tell us what we need to assess the "
                      "requirement \"incident_notice\".");
  line_starting(s, "   Note: Your document declines to disclose this (4.1). We "
                   "need it to assess our requirements: would you "
                   "reconsider disclosing it?");
  line_starting(s, "   Requirements: [must] incident_notice; [should] "
                   "log_retention");
  assert_null(strstr(s, "対象要件"));
}

static void questions_per_vendor(void **state) {
  (void)state;
  three_vendors();
  const char *s = render(REPORT_QUESTIONS, 0);
  assert_int_equal(count_of(s, "■ "), 3);
  const char *b = strstr(s, "■ ベンダーB");
  const char *c = strstr(s, "■ ExampleCloudServicesIncorporated");
  assert_non_null(b);
  assert_non_null(c);
  assert_true(b < c);
  assert_non_null(strstr(b, "\n質問事項はありません"));
  /* Numbering starts again per vendor; must-rules first, in policy
   * order; a path not withheld is asked, not pressed. */
  assert_string_equal(line_starting(c, "1. "),
                      "1. 「セキュリティインシデントを72時間以内に通知する"
                      "こと」の確認に必要な情報をご教示ください。");
  assert_string_equal(line_starting(c, "2. "),
                      "2. 「rule_9」の確認に必要な情報をご教示ください。");
  line_starting(c, "   対象要件: [必須] rule_9");
  assert_null(strstr(c, "※"));
}

static void questions_about_a_rule(void **state) {
  (void)state;
  procurement_policy();
  vendor_result *v = add_vendor("ベンダーD", NULL);
  v->rules[1].v = VD_UNKNOWN; /* no fact recorded: nothing to ask */
  v->rules[6].v = VD_UNKNOWN;
  miss(&v->rules[6], "auth.mfa", true, NULL);
  finish_all();
  const char *s = render(REPORT_QUESTIONS, 0);
  line_starting(s, "1. " "多要素認証");
  char note[512];
  snprintf(note, sizeof note, "   ※ 非開示とのご回答をいただいておりますが"
           "、%s", RECONSIDER);
  line_starting(s, note);
  assert_null(strstr(s, "\n2. "));
}

static void text_without_vendors(void **state) {
  (void)state;
  P.name = "empty";
  const char *s = render(REPORT_TEXT, 0);
  const char *want = "Policy       empty\n\nNo vendors checked.\n\nStamp\n";
  assert_int_equal(strncmp(s, want, strlen(want)), 0);
  assert_string_equal(render(REPORT_QUESTIONS, 0), "");
}

/* The stamp's digests are nettle's SHA-256 (lib/sha256.h): the FIPS
 * 180-2 example vectors, whole and fed in pieces that straddle the
 * 64-byte blocks, as a stream's reads do. */
static void sha256_known_vectors(void **state) {
  (void)state;
  static const struct {
    const char *in, *hex;
  } v[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  char hex[65];
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    sha256_of(v[i].in, strlen(v[i].in), hex);
    assert_string_equal(hex, v[i].hex);
  }
  static char a[1000];
  memset(a, 'a', sizeof a);
  sha256 s;
  sha256_init(&s);
  for (size_t n = 0; n < 1000000;) { /* a million 'a's, 7 and 993 at once */
    size_t k = n % 1000 == 0 ? 7 : 993;
    sha256_update(&s, k, (const uint8_t *)a);
    n += k;
  }
  sha256_hex(&s, hex);
  assert_string_equal(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(int argc, char **argv) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(json_exact_small_report),
      T(json_full_report_parses),
      T(json_fragments_same_as_slow_path),
      T(ndjson_vendor_without_copy),
      T(json_without_vendors),
      T(text_single_vendor),
      T(text_single_titles_line_up),
      T(text_single_wraps),
      T(text_summary_counts),
      T(summary_unknown_fail),
      T(summary_unknown_warn),
      T(summary_unknown_ignore),
      T(result_lists_wrap),
      T(matrix_aligns_japanese),
      T(matrix_many_vendors),
      T(matrix_cuts_by_display_width),
      T(matrix_piped_cuts_nothing),
      T(matrix_vendor_summary),
      T(no_escapes_without_color),
      T(color_only_with_flag),
      T(questions_dedupe_across_rules),
      T(questions_in_english),
      T(questions_per_vendor),
      T(questions_about_a_rule),
      T(text_without_vendors),
      T(sha256_known_vectors),
  };
#undef T
  return RUN_TESTS("report", tests, argc, argv);
}
