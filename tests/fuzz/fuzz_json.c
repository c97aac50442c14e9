/*
 * fuzz_json.c: the JSON reader. Any byte string goes through the three
 * ways a text is read (one value with json_parse, a stream of values with
 * json_parse_next, a fact set with pol_facts_load_json and its NDJSON
 * twin), and whatever is accepted must survive a write and a reread:
 * json_write's text parses again to an equal value, and writing that
 * value again gives the same text (so the writer and the reader agree on
 * every number, escape and key order the reader accepts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "pol.h"
#include "value.h"

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;

static void init(void) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.max_steps = FUZZ_MAX_STEPS;
  cfg.max_memory = FUZZ_MAX_MEMORY;
  if (pol_env_new(&cfg, &env) || pol_facts_new(env, &facts) ||
      pol_ctx_new(env, &ctx))
    fuzz_fail("cannot set up");
}

/* An error position must lie inside the text (or at its end). */
static void check_error(const json_error *e, size_t n) {
  if (e->off > n || e->line < 1 || e->col < 1 || !e->msg[0])
    fuzz_fail("bad error position %u:%u (offset %u of %zu): %s", e->line,
              e->col, e->off, n, e->msg);
}

/* Write [v] (with [indent]), read it back, write it again. */
static void round_trip(arena *a, val v, int indent) {
  sbuf b1, b2;
  sb_init(&b1, NULL);
  sb_init(&b2, NULL);
  json_write(&b1, v, indent);
  val w;
  json_error e;
  if (b1.oom)
    fuzz_fail("json_write ran out of memory");
  if (!json_parse(a, b1.p, b1.len, &w, &e))
    fuzz_fail("json_write wrote what json_parse refuses (%u:%u: %s): %s",
              e.line, e.col, e.msg, b1.p);
  if (!val_equal(v, w))
    fuzz_fail("reread value differs: %s", b1.p);
  json_write(&b2, w, indent);
  if (b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
    fuzz_fail("second write differs:\n%s\n%s", b1.p, b2.p);
  sb_free(&b1);
  sb_free(&b2);
}

static void one_value(arena *a, const char *s, size_t n) {
  val v;
  json_error e;
  if (!json_parse(a, s, n, &v, &e)) {
    check_error(&e, n);
    return;
  }
  round_trip(a, v, 0);
  round_trip(a, v, 2);
}

/* NDJSON: every value of the stream, skipping a bad line as a caller
 * does; each call must move forward. */
static void stream(arena *a, const char *s, size_t n) {
  size_t pos = 0;
  while (pos < n) {
    size_t before = pos;
    val v;
    json_error e;
    if (json_parse_next(a, s, n, &pos, &v, &e)) {
      if (pos <= before || pos > n)
        fuzz_fail("json_parse_next moved from %zu to %zu", before, pos);
      continue;
    }
    check_error(&e, n);
    if (pos != before)
      fuzz_fail("json_parse_next moved on error");
    const char *nl = memchr(s + pos, '\n', n - pos);
    pos = nl ? (size_t)(nl - s) + 1 : n;
  }
}

/* A loaded fact set: every variable can be printed. */
static void print_facts(void) {
  for (size_t i = 0; i < pol_facts_count(facts); i++) {
    if (!pol_facts_name(facts, i))
      fuzz_fail("variable %zu has no name", i);
    if (!pol_value_format(ctx, pol_facts_value(facts, i)))
      fuzz_fail("variable %zu does not print", i);
  }
}

static void load(const char *s, size_t n) {
  if (pol_facts_load_json(facts, s, n, "fuzz.json") == POL_OK)
    print_facts();
  else if (pol_facts_count(facts) != 0)
    fuzz_fail("a failed load left %zu variables", pol_facts_count(facts));
  size_t pos = 0;
  for (int k = 0; k < 64 && pos < n; k++) {
    size_t before = pos;
    int rc = pol_facts_load_json_next(facts, s, n, &pos, "fuzz.ndjson");
    if (rc == POL_OK && pos <= before)
      fuzz_fail("pol_facts_load_json_next did not advance");
    if (rc != POL_OK)
      break;
  }
}

static void run(const uint8_t *data, size_t len) {
  const char *s = (const char *)data;
  arena a;
  arena_init(&a, FUZZ_MAX_MEMORY * 4, NULL);
  one_value(&a, s, len);
  arena_reset(&a);
  stream(&a, s, len);
  arena_free(&a);
  load(s, len);
}

const fuzz_target fuzz_json = {"json", init, run};
