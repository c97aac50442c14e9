/*
 * fuzz_records.c: the CLI's record reader (lib/cli/records.c), which
 * frames a stream of vendors (one JSON object, NDJSON, pretty-printed
 * objects one after another, byte order marks) without parsing it. The
 * input is the stream, read under a small record limit and a large one.
 * Each record handed out must lie in the input, start on a line no
 * earlier than the one before, stay under the limit, and parse or be
 * refused by the library without harm; a record the reader found bad
 * must have a message; and the reader must end, after at most one record
 * per byte.
 */
#include <stdio.h>
#include <string.h>

#include "cli/records.h"
#include "fuzz.h"

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;

static void init(void) { fuzz_setup(&env, &facts, &ctx); }

static void one_record(const record *rec, const char *name, size_t max) {
  if (rec->error) {
    char msg[8192];
    record_error(rec, name, msg, sizeof msg);
    if (!msg[0] || !strstr(msg, name))
      fuzz_fail("a refused record without a located message: %s", msg);
    return;
  }
  if (!rec->data && rec->len)
    fuzz_fail("a record of %zu bytes without data", rec->len);
  if (rec->len > max)
    fuzz_fail("a record of %zu bytes under a limit of %zu", rec->len, max);
  if (pol_facts_load_record(facts, rec->data ? rec->data : "", rec->len,
                            name, rec->line) != POL_OK &&
      !pol_facts_errmsg(facts))
    fuzz_fail("a record refused without a message");
}

static void read_all(const char *path, size_t len, size_t max) {
  reader *r = reader_open(path, max);
  if (!r)
    fuzz_fail("cannot open %s", path);
  record rec;
  unsigned last_line = 0;
  size_t n = 0;
  int rc;
  while ((rc = reader_next(r, &rec)) == 1) {
    if (++n > len + 1)
      fuzz_fail("more records (%zu) than bytes (%zu)", n, len);
    if (rec.line < last_line || rec.line < 1)
      fuzz_fail("record %zu at line %u after one at line %u", n, rec.line,
                last_line);
    last_line = rec.line;
    one_record(&rec, reader_name(r), max);
  }
  if (rc < 0 && !reader_error(r))
    fuzz_fail("a failed read without a reason");
  reader_close(r);
}

static void run(const uint8_t *data, size_t len) {
  const char *path = fuzz_write_file("vendors.ndjson", data, len);
  read_all(path, len, 64);
  read_all(path, len, 1 << 20);
}

const fuzz_target fuzz_records = {"records", init, run};
