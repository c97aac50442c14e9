/*
 * fuzz_sheet.c: what `policyc import` reads from a vendor's check sheet
 * (lib/cli/import_sheet.c, import_value.c): the sheet as CSV or TSV, in
 * UTF-8 or Shift_JIS, and the values found in its cells' Japanese text
 * (durations, counts, percentages, dates, intervals, times a year). The
 * first byte of the input picks the kind of value, the unit a count
 * carries, the fact's unit, the markers to search after and the file's
 * extension; the rest is the file. The sheet read must give cells whose
 * places lie in the file; every cell, and the whole text, goes through
 * every kind of value, and a value found must lie in its text.
 */
#include <stdbool.h>
#include <string.h>

#include "cli/import.h"
#include "fuzz.h"

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
  if (sheet_read(p, path, &s))
    cells(p, &s, pick);
  imp_pool_free(p);
}

const fuzz_target fuzz_sheet = {"sheet", NULL, run};
