/*
 * fuzz_sheet.c: what `policyc import` reads from a vendor's check sheet
 * (lib/cli/import_sheet.c, import_value.c): the sheet as CSV or TSV, in
 * UTF-8 or Shift_JIS, and the values found in its cells' Japanese text
 * (durations, counts, percentages, dates, intervals, times a year). The
 * first byte of the input picks the kind of value, the unit a count
 * carries, the fact's unit, the markers to search after and the file's
 * extension; the rest is the file. The sheet read must give cells whose
 * places lie in the file; every cell, and the whole text, goes through
 * every kind of value, and a value found must lie in its text. Last
 * the mapping of the golden import tests (tests/golden/cli/sheets/
 * small.json) is applied to the sheet, as `policyc import` does, with
 * the stdlib's fact schema: a fact set it makes must be JSON the
 * library reads.
 */
#include <stdbool.h>
#include <string.h>

#include "cli/import.h"
#include "fuzz.h"

/* tests/golden/cli/sheets/small.json without its description */
static const char small_map[] =
    "{\"layout\":\"golden-small\",\"sheet\":{\"id\":\"small\",\"basis\""
    ":\"golden test\"},\"meta\":[{\"key\":\"name\",\"prefix\":\"Title: "
    "\",\"keep_prefix\":false},{\"key\":\"date\",\"prefix\":\"更新日"
    "：\",\"parse\":\"date\"}],\"header\":[\"No\",\"回答\"],\"column"
    "s\":{\"section\":\"区分\",\"id\":\"No\",\"question\":\"設問\","
    "\"mark\":\"実施\",\"answer\":\"回答\",\"note\":\"備考\"},\"f"
    "ill_down\":[\"section\"],\"marks\":{\"yes\":[\"○\",\"有\"],\"no"
    "\":[\"×\",\"無\"],\"other\":[\"－\",\"※\"]},\"refs\":{\"1.1\""
    ":[\"METI-2013 12.3.1\"]},\"facts\":[{\"row\":\"1.1\",\"path\":\"ba"
    "ckup.enabled\",\"from\":\"mark\"},{\"row\":\"1.1\",\"path\":\"back"
    "up.generations\",\"parse\":\"count\",\"unit\":\"世代\"},{\"row\""
    ":\"1.2\",\"path\":\"backup.frequency_hours\",\"parse\":\"interval"
    "\"},{\"row\":\"1.3\",\"path\":\"incident.outage_notice_hours\",\"p"
    "arse\":\"duration\"},{\"row\":\"1.4\",\"path\":\"availability.upti"
    "me_percent\",\"parse\":\"percent\"},{\"row\":\"1.5\",\"path\":\"ce"
    "rtifications.vendor_expiry.ISO27001\",\"parse\":\"date\",\"after\""
    ":\"～\"},{\"row\":\"1.6\",\"path\":\"certifications.vendor_expiry"
    ".PMARK\",\"parse\":\"date\"},{\"row\":\"1.7\",\"path\":\"vulnerabi"
    "lity.routine_updates_per_year\",\"parse\":\"per_year\"},{\"row\":"
    "\"1.8\",\"path\":\"support.response_business_days\",\"parse\":\"du"
    "ration\"},{\"row\":\"2.1\",\"path\":\"network.ids_ips\",\"from\":"
    "\"mark\"},{\"row\":\"2.2\",\"path\":\"network.waf\",\"from\":\"mar"
    "k\"},{\"row\":\"2.3\",\"path\":\"data.secondary_use\",\"from\":\"m"
    "ark\",\"invert\":true},{\"row\":\"2.4\",\"path\":\"capacity.page_v"
    "iew_limit\",\"withheld_if\":\"非公開\"},{\"row\":\"2.5\",\"path"
    "\":\"data.location.countries\",\"value\":[\"JP\"],\"if\":\"国内"
    "\"},{\"row\":\"2.6\",\"path\":\"service_end.notice_days\",\"parse"
    "\":\"duration\",\"after\":\"終了の\"},{\"row\":\"9.9\",\"path\""
    ":\"network.firewall\",\"from\":\"mark\"}]}";

static pol_env *env;
static pol_policy *schema;
static pol_facts *facts;
static const char *map_path;

static void init(void) {
  static const char src[] = "import \"vendor_schema\"\n";
  if (pol_env_new(NULL, &env) != POL_OK || pol_facts_new(env, &facts) ||
      pol_policy_compile(env, src, strlen(src), "<schema>", &schema))
    fuzz_fail("cannot set up the schema");
  map_path = fuzz_write_file("map.json", (const uint8_t *)small_map,
                             strlen(small_map));
}

/* The schema's verdict on one fact, as cmd_import.c's check_fact. */
static const char *check_fact(void *ctx, const char *json) {
  (void)ctx;
  size_t n = 0;
  const char *problems = "";
  if (pol_validate(env, schema, json, strlen(json), "<fact>", &n,
                   &problems) != POL_OK)
    return pol_env_errmsg(env);
  return n ? problems : NULL;
}

/* The mapping applied to [s]; what it makes must load. */
static void apply(imp_pool *p, const sheet *s) {
  mapping *m = mapping_load(p, map_path);
  if (!m)
    fuzz_fail("the fixed mapping does not load");
  import_out out;
  import_out_init(p, &out);
  if (mapping_apply(p, m, s, &out, check_fact, NULL) != 0)
    return;
  jn_set(p, out.facts, "$evidence", out.evidence);
  jn_set(p, out.facts, "$withheld", out.withheld);
  imp_buf b;
  imp_buf_init(&b, p);
  jn_write(&b, out.facts, 0);
  if (pol_facts_load_json(facts, b.s, b.len, "import.json") != POL_OK)
    fuzz_fail("an imported fact set does not load: %s\n%s",
              pol_facts_errmsg(facts), b.s);
}

static const char *const units[] = {NULL, "bit", "世代", "人", "回", "日",
                                    "測定単位", "%"};
static const char *const fact_units[] = {NULL, "hours", "days",
                                         "business_days", "minutes",
                                         "seconds", "bytes", "years"};
static const char *const after_target[] = {"目標", NULL};
static const char *const after_two[] = {"営業時間外", "～", NULL};

/* Every kind of value in [text] under the settings of [pick]. */
static void values(imp_pool *p, const char *text, unsigned pick) {
  const char *const *after =
      pick & 0x40 ? after_two : pick & 0x80 ? after_target : NULL;
  size_t len = strlen(text);
  for (int k = VK_DURATION; k <= VK_PER_YEAR; k++) {
    vfound f;
    char msg[512];
    msg[0] = '\0';
    int rc = value_find(text, after, (vkind)k, units[pick & 7],
                        fact_units[(pick >> 3) & 7], pick & 1, &f, msg,
                        sizeof msg);
    if (rc == 2 && !msg[0])
      fuzz_fail("kind %d: a unit refused without a message", k);
    if (rc != 0)
      continue;
    if (f.start > f.end || f.end > len)
      fuzz_fail("kind %d: value at [%zu, %zu) of a text of %zu bytes", k,
                f.start, f.end, len);
    if (!value_fragment(p, text, f.start, f.end))
      fuzz_fail("kind %d: no fragment", k);
    (void)import_option_words(text, f.start, f.end);
  }
  (void)value_date(p, text);
  (void)value_path_unit(text);
  (void)value_fragment(p, text, 0, len);
  (void)value_fragment(p, text, len / 2, len);
}

/* Whether [s] is UTF-8 (as sheet_read's cells always are: it converts
 * what is not, and the values' scanner steps by lead bytes). Loose: it
 * checks the continuation bytes, which is what the stepping relies on. */
static bool utf8(const char *s) {
  for (const unsigned char *u = (const unsigned char *)s; *u;) {
    int k = *u >= 0xF0 ? 3 : *u >= 0xE0 ? 2 : *u >= 0xC0 ? 1 : 0;
    if (*u >= 0x80 && *u < 0xC0)
      return false;
    for (u++; k > 0; k--, u++)
      if ((*u & 0xC0) != 0x80)
        return false;
  }
  return true;
}

static void cells(imp_pool *p, const sheet *s, unsigned pick) {
  for (size_t r = 0; r < s->n; r++)
    for (size_t c = 0; c < s->rows[r].n; c++) {
      const cell *x = &s->rows[r].cells[c];
      if (!x->text || x->line < 1 || x->col < 1)
        fuzz_fail("row %zu cell %zu: no text or place", r, c);
      values(p, x->text, pick);
    }
}

static void run(const uint8_t *data, size_t len) {
  if (len == 0)
    return;
  unsigned pick = data[0];
  imp_pool *p = imp_pool_new();
  if (!p)
    fuzz_fail("out of memory");
  const char *text = imp_strndup(p, (const char *)data + 1, len - 1);
  if (utf8(text))
    values(p, text, pick);
  static const char *const names[] = {"sheet.csv", "sheet.tsv", "sheet.txt",
                                      "sheet"};
  const char *path =
      fuzz_write_file(names[(pick >> 4) & 3], data + 1, len - 1);
  sheet s;
  if (sheet_read(p, path, &s)) {
    cells(p, &s, pick);
    apply(p, &s);
  }
  imp_pool_free(p);
}

const fuzz_target fuzz_sheet = {"sheet", init, run};
